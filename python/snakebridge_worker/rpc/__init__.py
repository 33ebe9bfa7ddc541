"""How the host reaches the worker: the gRPC server and its token check, the call lane (and its TLS relay),
calls from the worker back into the host, and the worker's start-up (serve.main)."""
