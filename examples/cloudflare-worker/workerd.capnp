# Runs the worker locally in workerd (the Workers runtime) without wrangler:
#   pnpm build && LEDGERLY_WEBHOOK_SECRET=... npx workerd serve workerd.capnp
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "dist/worker.js") ],
  compatibilityDate = "2025-01-01",
  bindings = [ (name = "LEDGERLY_WEBHOOK_SECRET", fromEnvironment = "LEDGERLY_WEBHOOK_SECRET") ],
);
