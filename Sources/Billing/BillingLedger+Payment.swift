import MeshProtocol
import MeshStore

extension BillingLedger {
    /// Records the payment of an open or past-due invoice and returns it.
    ///
    /// Throws NOT_FOUND for an unknown id and FAILED_PRECONDITION for an invoice already paid, so a
    /// repeated payment is never recorded twice.
    func pay(invoiceID: String) throws -> InvoiceView {
        guard let invoice = try InvoiceView.load(invoiceID: invoiceID, connection) else {
            throw RPCError.notFound("invoice", invoiceID)
        }
        guard invoice.status != .paid else {
            throw RPCError(
                .failedPrecondition,
                "invoice \(invoice.number) (\(invoiceID)) is already paid (paid_at_ms \(invoice.paidAtMs ?? 0)); nothing to do",
                details: ["invoice_id": .string(invoiceID), "status": .string(invoice.status.rawValue)]
            )
        }

        try connection.execute(
            "UPDATE invoices SET status = 'paid', paid_at_ms = ? WHERE id = ? AND status != 'paid'",
            [.integer(nowMs), .text(invoiceID)]
        )
        guard let paid = try InvoiceView.load(invoiceID: invoiceID, connection) else {
            throw RPCError.notFound("invoice", invoiceID)
        }
        return paid
    }
}
