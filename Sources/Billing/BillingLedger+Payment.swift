import MeshProtocol
import MeshStore

extension BillingLedger {
    /// Records the payment of an open or past-due invoice and returns it. For a refund (a final invoice
    /// below zero), the payment is the platform's: the refund was paid out to the company.
    ///
    /// Throws NOT_FOUND for an unknown id and FAILED_PRECONDITION for an invoice already paid, so a
    /// repeated payment is never recorded twice.
    func pay(invoiceID: String) throws -> InvoiceView {
        guard let invoice = try InvoiceView.load(invoiceID: invoiceID, connection) else {
            throw Self.unknownInvoice(invoiceID)
        }
        guard invoice.status != .paid else {
            let reason =
                invoice.totalCents == 0
                ? "its total is 0, so it was issued paid and needs no payment"
                : "paid_at_ms \(invoice.paidAtMs ?? 0)"
            throw RPCError(
                .failedPrecondition,
                "invoice \(invoice.number) (\(invoiceID)) is already paid (\(reason)); nothing to do",
                details: ["invoice_id": .string(invoiceID), "status": .string(invoice.status.rawValue)]
            )
        }

        try connection.execute(
            "UPDATE invoices SET status = 'paid', paid_at_ms = ? WHERE id = ? AND status != 'paid'",
            [.integer(nowMs), .text(invoiceID)]
        )
        guard let paid = try InvoiceView.load(invoiceID: invoiceID, connection) else {
            throw Self.unknownInvoice(invoiceID)
        }
        return paid
    }

    /// Returns the error for an invoice id that no company has. Only root pays invoices, and root reaches every
    /// company's, so the id itself is wrong.
    private static func unknownInvoice(_ invoiceID: String) -> RPCError {
        RPCError(
            .notFound,
            "invoice '\(invoiceID.clipped)' was not found; take the id (inv_...) from billing.invoices or billing.export, not the invoice number",
            details: ["kind": "invoice", "id": .string(invoiceID.clipped)]
        )
    }
}
