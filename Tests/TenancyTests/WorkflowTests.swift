import MeshProtocol
import Testing

@testable import Tenancy

@Suite("Workflow")
struct WorkflowTests {
    static let statuses = ["Open", "In Progress", "In Review", "Closed"]

    struct Move: Sendable, CustomTestStringConvertible {
        var from: String
        var to: String
        /// nil when the move is allowed, otherwise the status the check must throw.
        var rejection: RPCStatus?

        var testDescription: String {
            "\(from) -> \(to): \(rejection?.name ?? "allowed")"
        }
    }

    static let moves: [Move] = [
        // One step forward.
        Move(from: "Open", to: "In Progress", rejection: nil),
        Move(from: "In Progress", to: "In Review", rejection: nil),
        Move(from: "In Review", to: "Closed", rejection: nil),
        // Straight to the final status.
        Move(from: "Open", to: "Closed", rejection: nil),
        Move(from: "In Progress", to: "Closed", rejection: nil),
        // Back any number of steps, including reopening.
        Move(from: "In Progress", to: "Open", rejection: nil),
        Move(from: "In Review", to: "Open", rejection: nil),
        Move(from: "Closed", to: "In Review", rejection: nil),
        Move(from: "Closed", to: "Open", rejection: nil),
        // Skipping forward to a status that is not final.
        Move(from: "Open", to: "In Review", rejection: .failedPrecondition),
        // Staying put.
        Move(from: "Open", to: "Open", rejection: .failedPrecondition),
        Move(from: "Closed", to: "Closed", rejection: .failedPrecondition),
        // A status the workflow does not have.
        Move(from: "Open", to: "Done", rejection: .invalidArgument),
        Move(from: "Open", to: "", rejection: .invalidArgument),
        // An issue left in a status the company removed may rejoin anywhere.
        Move(from: "Triage", to: "In Review", rejection: nil),
        Move(from: "Triage", to: "Open", rejection: nil),
    ]

    @Test("moves", arguments: moves)
    func check(move: Move) throws {
        let workflow = try Workflow(statuses: Self.statuses)

        if let rejection = move.rejection {
            let error = #expect(throws: RPCError.self) {
                try workflow.check(from: move.from, to: move.to)
            }
            #expect(error?.status == rejection)
        } else {
            #expect(throws: Never.self) {
                try workflow.check(from: move.from, to: move.to)
            }
        }
    }

    @Test("allowed targets follow the rule")
    func allowedTargets() throws {
        let workflow = try Workflow(statuses: Self.statuses)

        #expect(workflow.allowedTargets(from: "Open") == ["In Progress", "Closed"])
        #expect(workflow.allowedTargets(from: "In Progress") == ["Open", "In Review", "Closed"])
        #expect(workflow.allowedTargets(from: "In Review") == ["Open", "In Progress", "Closed"])
        #expect(workflow.allowedTargets(from: "Closed") == ["Open", "In Progress", "In Review"])
        #expect(workflow.allowedTargets(from: "Triage") == Self.statuses)
    }

    @Test("rejected move lists allowed targets")
    func rejectionDetails() throws {
        let workflow = try Workflow(statuses: Self.statuses)

        let error = #expect(throws: RPCError.self) {
            try workflow.check(from: "Open", to: "In Review")
        }
        #expect(error?.details?["allowed"] == ["In Progress", "Closed"])
        #expect(error?.message.contains("'In Progress'") == true)
    }

    @Test("first and final status")
    func endpoints() throws {
        let workflow = try Workflow(statuses: ["Open", "In Progress", "Closed"])

        #expect(workflow.initialStatus == "Open")
        #expect(workflow.finalStatus == "Closed")
        #expect(workflow.isFinal("Closed"))
        #expect(!workflow.isFinal("Open"))
    }

    @Test("canonical matches ignoring case")
    func canonical() throws {
        let workflow = try Workflow(statuses: Self.statuses)

        #expect(workflow.canonical("in progress") == "In Progress")
        #expect(workflow.canonical("CLOSED") == "Closed")
        #expect(workflow.canonical("Done") == nil)
    }

    @Test("two-status workflow")
    func twoStatuses() throws {
        let workflow = try Workflow(statuses: ["Todo", "Done"])

        #expect(throws: Never.self) { try workflow.check(from: "Todo", to: "Done") }
        #expect(throws: Never.self) { try workflow.check(from: "Done", to: "Todo") }
    }

    @Test("empty workflow rejected")
    func empty() {
        let error = #expect(throws: RPCError.self) {
            _ = try Workflow(statuses: [])
        }
        #expect(error?.status == .failedPrecondition)
    }
}
