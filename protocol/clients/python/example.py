"""Talks to a running mesh with tenantmesh.py: ping, provision a company, list companies.

    mesh up                                        # in one terminal
    python3 protocol/clients/python/example.py     # in another, from the same folder

MESH_HOME names the mesh home folder (default ./.mesh, also when empty); the root key is read from <MESH_HOME>/root.key
and the gateway is reached at <MESH_HOME>/run/gateway.sock.
"""

import json
import os
import sys
import time

# Importing tenantmesh from here should leave no __pycache__ folder in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from tenantmesh import Client, MeshError, gateway_socket, read_root_key  # noqa: E402


def main():
    home = os.environ.get("MESH_HOME") or ".mesh"

    try:
        root_key = read_root_key(home)
        with Client(gateway_socket(home), api_key=root_key, default_timeout_ms=10_000) as mesh:
            print("ping:", mesh.call("rpc.ping"))

            # A name and address of this run alone, so the example can run again and again.
            suffix = format(time.time_ns(), "x")
            provisioned = mesh.call(
                "companies.provision",
                {
                    "name": f"Example Co {suffix}",
                    "admin_email": f"admin-{suffix}@example.com",
                    "admin_name": "Example Admin",
                    "tier": "basic",
                },
                idempotency_key=f"example-{suffix}",
            )
            print("provisioned:", json.dumps(provisioned, indent=2, sort_keys=True))

            # companies.list returns a page at a time; next_cursor, when present, requests the next one.
            companies = []
            cursor = None
            while True:
                listed = mesh.call("companies.list", {"cursor": cursor} if cursor else {})
                companies.extend(listed["companies"])
                cursor = listed.get("next_cursor")
                if not cursor:
                    break
            print(f"companies ({len(companies)}):")
            for company in companies:
                print(f"  {company.get('company_id')}  {company.get('name')}  tier={company.get('tier')}")
    except MeshError as error:
        print(f"error: {error.status}: {error.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
