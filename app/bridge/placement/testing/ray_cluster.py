"""A throwaway multi-node Ray cluster on 127.0.0.1 for tests (ray.cluster_utils.Cluster).

Prints one JSON line {"address": ..., "nodes": [...]} once every node is up, and tears the cluster down when its
stdin closes (the test ended, or died). Usage: python ray_cluster.py '[{"num_cpus": 1}, {"num_cpus": 1, "resources": {"big": 1}}]'
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time

os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
# Keeps every Ray process on 127.0.0.1 (Ray otherwise swaps loopback for the machine's outward address).
os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
os.environ.pop("RAY_ADDRESS", None)

from ray.cluster_utils import Cluster


def main() -> int:
    """Starts the nodes described on the command line, reports the address, waits for stdin EOF."""
    specs = json.loads(sys.argv[1]) if len(sys.argv) > 1 else [{"num_cpus": 1}]
    temp_dir = tempfile.mkdtemp(prefix="sb-raytest-")  # not /tmp/ray: "auto" must never find this cluster
    common = {"node_ip_address": "127.0.0.1", "object_store_memory": 80 * 1024 * 1024, "include_dashboard": False,
              "temp_dir": temp_dir}
    cluster = Cluster(initialize_head=True, head_node_args={**common, **specs[0]})
    for spec in specs[1:]:
        cluster.add_node(**common, **spec)
    cluster.wait_for_nodes()
    parent = os.getppid()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())

    def watch_parent() -> None:
        while not done.is_set():
            if os.getppid() != parent:
                done.set()
            time.sleep(0.5)

    threading.Thread(target=watch_parent, daemon=True).start()
    print(json.dumps({"address": cluster.address, "nodes": len(specs)}), flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    cluster.shutdown()
    shutil.rmtree(temp_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
