import Testing

@testable import MeshStore

@Suite struct ConnectionTests {
    let directory: TemporaryDirectory
    let database: Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try Database(path: directory.path("store.sqlite"), migrations: [itemsMigration])
    }

    @Test func statementCacheReusesStatements() throws {
        let sql = "SELECT ? + 1 AS next"

        let (results, countBefore, countAfter, runs) = try database.writeSync { connection in
            let before = connection.cachedStatementCount
            let results = try (0..<5).map { try connection.scalarInt(sql, [.integer(Int64($0))]) }
            return (
                results, before, connection.cachedStatementCount, connection.cachedStatementIfPresent(sql)?.runCount
            )
        }

        #expect(results == [1, 2, 3, 4, 5])
        #expect(countAfter == countBefore + 1)
        #expect(runs == 5)
        database.close()
    }

    @Test func errorCarriesSQLButNotValues() throws {
        let secret = "secret-label-4821"
        let insert = "INSERT INTO items (label, size) VALUES (?, ?)"
        try database.writeSync { try $0.execute(insert, [.text(secret), .integer(1)]) }

        let error = #expect(throws: StoreError.self) {
            try database.writeSync { try $0.execute(insert, [.text(secret), .integer(987654)]) }
        }

        #expect(error?.isUniqueViolation == true)
        #expect(error?.isConstraintViolation == true)
        #expect(error?.resultCode == 2067)
        #expect(error?.sql == insert)
        #expect(error?.description.contains(insert) == true)
        #expect(error?.description.contains(secret) == false)
        #expect(error?.description.contains("987654") == false)
        database.close()
    }

    @Test func valuesRoundTrip() throws {
        let values: [SQLValue] = [
            .null, .integer(.max), .integer(.min), .real(-2.5), .text(""), .text("naïve 🚀"), .blob([]),
            .blob([0, 255, 7]),
        ]

        let read = try database.writeSync { connection in
            try values.map { try connection.queryOne("SELECT ? AS value", [$0])?["value"] }
        }

        #expect(read == values)
        database.close()
    }

    @Test func rowAccessors() throws {
        let row = try database.readSync {
            try $0.queryOne("SELECT 42 AS n, 'x' AS s, 1.5 AS r, 2.0 AS whole, 0 AS flag, NULL AS empty")
        }

        #expect(row?.int("n") == 42)
        #expect(row?.string("s") == "x")
        #expect(row?.double("r") == 1.5)
        #expect(row?.int("whole") == 2)
        #expect(row?.int("r") == nil)
        #expect(row?.bool("flag") == false)
        #expect(row?["empty"] == .null)
        #expect(row?["N"] == .null)
        #expect(row?.columnNames == ["n", "s", "r", "whole", "flag", "empty"])
        database.close()
    }

    @Test func requireNamesTheColumn() throws {
        let row = try #require(try database.readSync { try $0.queryOne("SELECT NULL AS owner_id, 5 AS count") })

        let nullError = #expect(throws: StoreError.self) { try row.requireInt("owner_id") }
        let missingError = #expect(throws: StoreError.self) { try row.requireString("owner") }
        let typeError = #expect(throws: StoreError.self) { try row.requireString("count") }

        #expect(nullError?.message.contains("column 'owner_id'") == true)
        #expect(nullError?.message.contains("NULL") == true)
        #expect(missingError?.message.contains("no such column") == true)
        #expect(typeError?.message.contains("is an integer") == true)
        database.close()
    }

    @Test func executeRejectsTwoStatements() throws {
        let error = #expect(throws: StoreError.self) {
            try database.writeSync {
                try $0.execute("INSERT INTO items (label) VALUES ('a'); INSERT INTO items (label) VALUES ('b')")
            }
        }

        #expect(error?.message.contains("more than one statement") == true)
        #expect(try countItems(database) == 0)
        database.close()
    }

    @Test func executeAllowsTrailingComment() throws {
        try database.writeSync { try $0.execute("INSERT INTO items (label) VALUES ('a'); -- one row") }

        #expect(try countItems(database) == 1)
        database.close()
    }

    @Test func executeScriptRunsEveryStatement() throws {
        try database.writeSync { connection in
            try connection.executeScript(
                """
                INSERT INTO items (label) VALUES ('a');
                -- a comment between statements
                INSERT INTO items (label) VALUES ('b');
                """)
        }

        #expect(try countItems(database) == 2)
        database.close()
    }

    @Test func argumentCountMismatchRejected() throws {
        let error = #expect(throws: StoreError.self) {
            try database.writeSync { try $0.execute("INSERT INTO items (label, size) VALUES (?, ?)", ["only one"]) }
        }

        #expect(error?.message.contains("2 parameters but 1 arguments") == true)
        database.close()
    }

    @Test func doubleQuotedStringIsAnIdentifier() throws {
        let error = #expect(throws: StoreError.self) {
            try database.readSync { try $0.query("SELECT * FROM items WHERE label = \"a\"") }
        }

        #expect(error?.message.contains("no such column") == true)
        database.close()
    }

    @Test func foreignKeysEnforced() throws {
        let migrations = [
            itemsMigration,
            Migration(
                id: 2, name: "create_parts", sql: "CREATE TABLE parts (item_id INTEGER NOT NULL REFERENCES items(id))"),
        ]
        let database = try Database(path: directory.path("keys.sqlite"), migrations: migrations)
        defer { database.close() }

        let error = #expect(throws: StoreError.self) {
            try database.writeSync { try $0.execute("INSERT INTO parts (item_id) VALUES (99)") }
        }
        #expect(error?.isConstraintViolation == true)
        self.database.close()
    }
}
