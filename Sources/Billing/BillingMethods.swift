import MeshProtocol
import MeshRuntime
import MeshStore

/// The methods billing serves.
enum BillingMethods {
    static func register(into methods: inout MethodTable, _ environment: ServiceEnvironment) {
        let store = environment.store
        let clock = environment.clock

        methods.register(
            "billing.subscription",
            summary: "A company's subscription: tier, status, price, current period, pending items and MRR share.",
            scope: .company
        ) { (params: CompanyParams, context) -> SubscriptionView in
            try BillingAccess.requireCompany(params.companyID, context)
            return try await context.confirmingCompany(params.companyID) {
                try await store.read(deadline: context.deadline) { connection in
                    let subscription = try BillingAccess.subscription(params.companyID, connection)
                    let pending = try LineView.pending(subscriptionID: subscription.id, connection)
                    return SubscriptionView(subscription, pendingItems: pending)
                }
            }
        }

        methods.register(
            "billing.invoices",
            summary:
                "A company's invoices with their lines, in number order and in pages, optionally filtered by status.",
            scope: .company
        ) { (params: InvoicesParams, context) -> InvoiceList in
            try BillingAccess.requireCompany(params.companyID, context)
            let limit = try PageLimit.check(params.limit)
            let cursors = environment.cursors
            let after =
                try cursors.sequence(params.cursor, method: context.method, companyID: params.companyID) ?? 0
            return try await context.confirmingCompany(params.companyID) {
                try await store.read(deadline: context.deadline) { connection in
                    _ = try BillingAccess.subscription(params.companyID, connection)
                    let page = try InvoiceView.list(
                        companyID: params.companyID, status: params.status, afterSequence: after, limit: limit,
                        connection)
                    let next = page.nextCursor.flatMap { Int64($0) }.map {
                        cursors.sequenceCursor($0, method: context.method, companyID: params.companyID)
                    }
                    return InvoiceList(invoices: page.invoices, nextCursor: next)
                }
            }
        }

        methods.register(
            "billing.payInvoice",
            summary: "Records the payment of an open or past-due invoice.",
            scope: .root
        ) { (params: PayInvoiceParams, context) -> InvoiceView in
            _ = try context.requireRoot()
            guard !params.invoiceID.isEmpty else {
                throw RPCError.invalidArgument(
                    field: "invoice_id",
                    "billing.payInvoice needs invoice_id, the id of the invoice to mark paid (for example inv_...)"
                )
            }
            let now = clock.nowMs()
            return try await store.write(deadline: context.deadline) { connection in
                try BillingLedger(connection: connection, nowMs: now).pay(invoiceID: params.invoiceID)
            }
        }

        methods.register(
            "billing.overview",
            summary: "Subscriptions by status and tier, estimated MRR, and unpaid invoices across every company.",
            scope: .root
        ) { (_: NoParams, context) -> OverviewView in
            _ = try context.requireRoot()
            return try await store.read(deadline: context.deadline) { connection in
                try OverviewView.compute(connection)
            }
        }

        methods.register(
            "billing.export",
            summary: "Every billing row of one company, for the company's data export.",
            scope: .internal
        ) { (params: CompanyParams, context) -> ExportView in
            _ = try context.requireRoot()
            try BillingAccess.requireCompany(params.companyID, context)
            let now = clock.nowMs()
            return try await store.read(deadline: context.deadline) { connection in
                try ExportView.collect(companyID: params.companyID, exportedAtMs: now, connection)
            }
        }

        methods.register(
            "billing.exportPage",
            summary: "One page of a company's billing rows, for the company's data export in pages.",
            scope: .internal
        ) { (params: ExportPageParams, context) -> ExportPage in
            _ = try context.requireRoot()
            try BillingAccess.requireCompany(params.companyID, context)
            let now = clock.nowMs()
            return try await store.read(deadline: context.deadline) { connection in
                try ExportView.plan(companyID: params.companyID, exportedAtMs: now).page(params, connection)
            }
        }

        methods.register(
            "billing.runCycle",
            summary: "Runs the invoice pass now: invoices every ended period and marks overdue invoices past due.",
            scope: .root
        ) { (_: NoParams, context) -> CycleReport in
            _ = try context.requireRoot()
            return try await InvoiceScheduler.runOnce(store: store, nowMs: clock.nowMs(), deadline: context.deadline)
        }
    }
}
