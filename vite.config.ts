import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";

const webRoot = fileURLToPath(new URL("./apps/web", import.meta.url));
const bffPort = process.env.PORT ?? "8080";

// The SPA is built from apps/web into apps/web/dist, which the BFF serves in production.
// In `npm run dev`, Vite serves the SPA with HMR and proxies /api to the BFF.
export default defineConfig({
  root: webRoot,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("./apps/web/dist", import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: { "/api": `http://localhost:${bffPort}`, "/oidc": `http://localhost:${bffPort}` },
  },
});
