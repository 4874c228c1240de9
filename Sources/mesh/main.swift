import Foundation
import MeshCLI
import MeshRuntime

SignalWaiter.blockTerminationSignals()
exit(await MeshCommand.run(Array(CommandLine.arguments.dropFirst())))
