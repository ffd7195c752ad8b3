import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOpenApiDocument, type OpenApiOAuth } from "@portcullis/contract";
import { Router } from "express";
import { guard } from "../lib/auth/guard.ts";

const require = createRequire(import.meta.url);
const { version } = require("../../package.json") as { version: string };
const swaggerUiDir = path.dirname(require.resolve("swagger-ui-dist/package.json"));
const initializer = fileURLToPath(new URL("./docs-init.js", import.meta.url));

/** The reference page: Swagger UI's files and our initializer, all from this server (script-src 'self', no inline script). */
const docsPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Portcullis API reference</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/init.js"></script>
</body>
</html>`;

export interface ReferenceOptions {
  oauth: OpenApiOAuth;
}

/** Public: the OpenAPI document (generated once from the contract) and its reference page. */
export function referenceRoutes(options: ReferenceOptions): Router {
  const router = Router();
  const document = buildOpenApiDocument({ version, serverUrl: "/", oauth: options.oauth });
  router.get(
    "/openapi.json",
    guard({ kind: "public" }, (_req, res) => {
      res.json(document);
    }),
  );
  router.get(
    "/docs",
    guard({ kind: "public" }, (_req, res) => {
      res.type("html").send(docsPage);
    }),
  );
  // Only the two files the page loads, not the package's own index.html (which has an inline script).
  const assets: Record<string, string> = {
    "/docs/assets/swagger-ui.css": path.join(swaggerUiDir, "swagger-ui.css"),
    "/docs/assets/swagger-ui-bundle.js": path.join(swaggerUiDir, "swagger-ui-bundle.js"),
    "/docs/assets/init.js": initializer,
  };
  router.use((req, res, next) => {
    const file = req.method === "GET" || req.method === "HEAD" ? assets[req.path] : undefined;
    if (file === undefined) {
      next();
      return;
    }
    res.sendFile(file, (error) => {
      if (error !== undefined && error !== null) next(error);
    });
  });
  return router;
}
