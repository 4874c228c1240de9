import MeshProtocol
import MeshRuntime

/// The `issues.*` methods. Each one is scoped to one company through `TenancyAccess`, and each change
/// writes an audit entry and its events in the same transaction as the change itself.
enum IssueHandlers {
    static func register(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "issues.create",
            summary:
                "Creates an issue in the workflow's first status, within the tier's issue limit; idempotent by meta.idempotency_key.",
            scope: .company
        ) { (params: IssueCreateParams, context) in
            try await create(params, context: context, env: env)
        }

        methods.register(
            "issues.get",
            summary: "Reads one issue by issue_id or by key (for example TECH-42).",
            scope: .company
        ) { (params: IssueTargetParams, context) in
            try await get(params, context: context, env: env)
        }

        methods.register(
            "issues.list",
            summary: "Lists issues in number order with optional filters, one page per call, resumed by cursor.",
            scope: .company
        ) { (params: IssueListParams, context) in
            try await list(params, context: context, env: env)
        }

        methods.register(
            "issues.update",
            summary:
                "Changes an issue's title, description, type, priority, team or custom field values; idempotent by meta.idempotency_key.",
            scope: .company
        ) { (params: IssueUpdateParams, context) in
            try await update(params, context: context, env: env)
        }

        methods.register(
            "issues.transition",
            summary:
                "Moves an issue to another status: one step forward, any steps back, or straight to the final status; idempotent by meta.idempotency_key.",
            scope: .company
        ) { (params: IssueTransitionParams, context) in
            try await transition(params, context: context, env: env)
        }

        methods.register(
            "issues.assign",
            summary:
                "Assigns an issue to an invited or active user of the company, or unassigns it with null; idempotent by meta.idempotency_key.",
            scope: .company
        ) { (params: IssueAssignParams, context) in
            try await assign(params, context: context, env: env)
        }

        methods.register(
            "issues.delete",
            summary:
                "Deletes an issue; its number is never reused and it no longer counts against the issue limit; idempotent by meta.idempotency_key.",
            scope: .company
        ) { (params: IssueTargetParams, context) in
            try await delete(params, context: context, env: env)
        }
    }
}
