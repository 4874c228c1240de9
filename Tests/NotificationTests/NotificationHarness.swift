import MeshRuntime
import MeshTesting

@testable import Notification

/// The service under test. Declared in a file that does not import Foundation, whose own `Notification`
/// type would make the name ambiguous.
typealias NotificationService = Notification
typealias NotificationHarness = ServiceHarness<NotificationService>
