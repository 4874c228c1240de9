import Foundation
import MeshProtocol
import MeshRuntime
import Testing

@testable import MeshCLI

/// One `mesh up` per home. A second lock on one file fails even within one process, because flock
/// locks belong to the open file, so these tests need no second process.
@Suite struct MeshLockTests {
    let scratch: ScratchHome
    var home: MeshHome { scratch.home }

    init() throws {
        scratch = try ScratchHome("lock")
    }

    @Test func secondLockNamesTheHolder() throws {
        defer { scratch.remove() }
        let first = try MeshLock.acquire(home)

        let error = #expect(throws: RuntimeFailure.self) { try MeshLock.acquire(home) }

        #expect(
            error?.message == "a mesh is already running in \(home.root) (supervisor pid \(getpid())); stop it first "
                + "(Ctrl-C in its terminal, or kill \(getpid()))")
        withExtendedLifetime(first) {}
    }

    @Test func heldLockIsSeenWithoutTakingIt() throws {
        defer { scratch.remove() }
        #expect(!MeshLock.isHeld(runDirectory: home.runDirectory))

        do {
            let lock = try MeshLock.acquire(home)
            #expect(MeshLock.isHeld(runDirectory: home.runDirectory))
            withExtendedLifetime(lock) {}
        }

        // A child that another test thread spawns at this moment shares the lock's open file until its
        // exec closes it, so the release may show a moment later.
        let deadline = ContinuousClock.now + .seconds(10)
        while MeshLock.isHeld(runDirectory: home.runDirectory) && ContinuousClock.now < deadline {
            usleep(10_000)
        }
        #expect(!MeshLock.isHeld(runDirectory: home.runDirectory), "released when the lock is freed")
    }

    @Test func unavailableGatewayOfARunningMeshSaysItRestarts() throws {
        defer { scratch.remove() }
        let lock = try MeshLock.acquire(home)
        let socket = home.socketPath("gateway")
        let error = RPCError(.unavailable, "connect to '\(socket)' failed: No such file or directory")

        let text = Terminal.describe(error, socket: socket)

        #expect(text.contains("restarts this process within seconds"))
        #expect(!text.contains("start it with `mesh up`"))
        withExtendedLifetime(lock) {}
    }

    @Test func releasedLockCanBeTakenAgain() throws {
        defer { scratch.remove() }
        var first: MeshLock? = try MeshLock.acquire(home)
        #expect(first != nil)
        first = nil

        let again = try MeshLock.acquire(home)

        withExtendedLifetime(again) {}
        let recorded = try String(contentsOfFile: MeshLock.path(home), encoding: .utf8)
        #expect(recorded == "\(getpid())\n")
    }

    /// Only the lock decides whether a mesh runs: a supervisor.pid naming a live `mesh up` of another
    /// home blocks nothing.
    @Test func pidFileAloneDoesNotBlock() throws {
        defer { scratch.remove() }
        try "\(getpid())\n".write(toFile: home.runDirectory + "/supervisor.pid", atomically: true, encoding: .utf8)

        let lock = try MeshLock.acquire(home)

        withExtendedLifetime(lock) {}
    }
}
