import Foundation
import MeshProtocol
import MeshTesting
import Testing

/// `mesh call --process NAME` calls one service's socket directly, as root, for the methods the gateway
/// never routes (the per-service exports) and for checking one service alone.
@Suite(.serialized)
struct DirectCallTests {
    private func mesh(_ cluster: MeshCluster, _ arguments: [String], environment: [String: String] = [:])
        async throws -> (status: Int32, output: String)
    {
        let outputPath = cluster.home.root + "/direct-call.out"
        let status = try await PythonClientTests.run(
            try MeshCluster.meshBinary(), arguments: arguments + ["--home", cluster.home.root],
            environment: environment, outputPath: outputPath, limit: .seconds(60))
        return (status, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }

    @Test func rootReachesAnInternalExport() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Direct Co", email: "owner@direct.example", tier: "premium")
        _ = try await mesh.eventually { try await mesh.root.subscription(companyID: companyID) }
        let params = #"{"company_id": "\#(companyID)"}"#

        let routed = try await self.mesh(cluster, ["call", "billing.export", params])
        #expect(routed.status != 0)
        #expect(routed.output.contains("METHOD_NOT_FOUND"), "\(routed.output)")

        let direct = try await self.mesh(cluster, ["call", "--process", "billing", "billing.export", params])
        #expect(direct.status == 0, "\(direct.output)")
        #expect(direct.output.contains(companyID))

        let withKey = try await self.mesh(cluster, ["call", "--process", "billing", "--key", "tmk_x", "rpc.ping"])
        #expect(withKey.status != 0)
        #expect(withKey.output.contains("--key works only through the gateway"), "\(withKey.output)")

        let exported = try await self.mesh(
            cluster, ["call", "--process", "billing", "rpc.ping"], environment: ["MESH_API_KEY": "tmk_x"])
        #expect(exported.status == 0, "\(exported.output)")
        #expect(exported.output.contains("MESH_API_KEY is ignored with --process, which acts as root"))
    }

    @Test func missingRootKeyIsNamed() async throws {
        let cluster = try await MeshCluster()
        try FileManager.default.removeItem(atPath: cluster.home.rootKeyPath)

        let result = try await mesh(cluster, ["call", "companies.list", "{}"], environment: ["MESH_API_KEY": ""])

        #expect(result.status == 1)
        #expect(
            result.output.contains("\(cluster.home.rootKeyPath) does not exist, and the gateway writes a new one"),
            "\(result.output)")
    }

    @Test func paramsMustBeAnObject() async throws {
        let cluster = try await MeshCluster()

        let result = try await mesh(cluster, ["call", "companies.list", "5"])

        #expect(result.status != 0)
        #expect(result.output.contains("params must be a JSON object"), "\(result.output)")
    }

    @Test func missingHomeIsNamed() async throws {
        let cluster = try await MeshCluster()
        let absent = cluster.home.root + "/no-such-home"
        let outputPath = cluster.home.root + "/missing-home.out"

        let status = try await PythonClientTests.run(
            try MeshCluster.meshBinary(),
            arguments: ["call", "--process", "billing", "billing.overview", "{}", "--home", absent],
            environment: [:], outputPath: outputPath, limit: .seconds(60))
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""

        #expect(status != 0)
        #expect(output.contains("no mesh home exists at \(absent)"), "\(output)")
        #expect(output.contains("mesh serve NAME"), "\(output)")

        // A folder where no mesh ran, and a file, get their own messages.
        let empty = cluster.home.root + "/empty-home"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        let notFolder = cluster.home.root + "/not-a-home"
        try "text".write(toFile: notFolder, atomically: false, encoding: .utf8)
        for (home, named) in [
            (empty, "no mesh has run in \(empty)"), (notFolder, "invalid mesh home \(notFolder): it is not a folder"),
        ] {
            let status = try await PythonClientTests.run(
                try MeshCluster.meshBinary(),
                arguments: ["call", "--process", "billing", "billing.overview", "{}", "--home", home],
                environment: [:], outputPath: outputPath, limit: .seconds(60))
            let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            #expect(status == 1)
            #expect(output.contains(named), "\(output)")
        }

        // Through the gateway, and in mesh status, a home where no mesh ran gets no advice to retry.
        for arguments in [["call", "companies.list"], ["status"]] {
            let status = try await PythonClientTests.run(
                try MeshCluster.meshBinary(), arguments: arguments + ["--home", empty], environment: [:],
                outputPath: outputPath, limit: .seconds(60))
            let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            #expect(status == 1)
            #expect(output.contains("no mesh has run"), "\(output)")
            #expect(!output.contains("retry in"), "\(output)")
            #expect(!output.contains("DOWN"), "\(output)")
        }
    }

    @Test func unreadStandardInputIsNamed() async throws {
        let cluster = try await MeshCluster()
        let paramsPath = cluster.home.root + "/params.json"
        try #"{"token": "tmi_00000000000000000000000000000000"}"#.write(
            toFile: paramsPath, atomically: false, encoding: .utf8)
        let outputPath = cluster.home.root + "/stdin.out"

        // The params are piped in, but the command line leaves out the - that reads them.
        let status = try await PythonClientTests.run(
            "/bin/sh",
            arguments: [
                "-c", #"exec "$0" call auth.acceptInvitation --home "$1" < "$2""#, try MeshCluster.meshBinary(),
                cluster.home.root, paramsPath,
            ],
            environment: ["MESH_API_KEY": ""], outputPath: outputPath, limit: .seconds(60))
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""

        #expect(status == 1)
        #expect(output.contains("INVALID_ARGUMENT"), "\(output)")
        #expect(output.contains("standard input was not read, so the call went without the params"), "\(output)")

        // A call that needs no params succeeds without them, and the note still follows.
        try #"{"status": "suspended"}"#.write(toFile: paramsPath, atomically: false, encoding: .utf8)
        let listed = try await PythonClientTests.run(
            "/bin/sh",
            arguments: [
                "-c", #"exec "$0" call companies.list --home "$1" < "$2""#, try MeshCluster.meshBinary(),
                cluster.home.root, paramsPath,
            ],
            environment: ["MESH_API_KEY": ""], outputPath: outputPath + ".list", limit: .seconds(60))
        let listing = (try? String(contentsOfFile: outputPath + ".list", encoding: .utf8)) ?? ""
        #expect(listed == 0)
        #expect(listing.contains("mesh call: standard input was not read"), "\(listing)")
    }
}
