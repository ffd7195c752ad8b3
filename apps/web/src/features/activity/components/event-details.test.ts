import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ActivityEvent } from "@portcullis/contract";
import { EventDetails } from "./event-details.tsx";

const event: ActivityEvent = {
  id: "8c0f6f8e-1d0e-4a53-9d6f-5e7b3a9c1d20",
  seq: 42,
  at: "2026-03-01T10:11:12.345Z",
  action: "request.created",
  outcome: "success",
  actor: { oid: "oid-dana", name: "Dana <b>Developer</b>", ip: "203.0.113.2" },
  vmId: "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm-1",
  vmName: "vm-1",
  ports: ["22/TCP"],
  sources: ["203.0.113.2/32"],
  durationMinutes: 60,
  justification: `<img src=x onerror="alert(1)"><script>alert(2)</script>`,
  error: null,
  correlationId: "req-1",
  details: { justification: "<script>alert(3)</script>" },
  hash: "ab".repeat(32),
};

describe("the event's detail view", () => {
  const html = renderToStaticMarkup(createElement(EventDetails, { event }));

  it("shows a justification holding markup as inert text, never as elements", () => {
    expect(html).not.toMatch(/<img|<script|<b>/i);
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;");
    expect(html).toContain("Dana &lt;b&gt;Developer&lt;/b&gt;");
  });

  it("shows every field: who, where, what, why, the correlation id, the hash and the details as JSON", () => {
    for (const text of ["203.0.113.2", "vm-1", event.vmId ?? "", "22/TCP", "203.0.113.2/32", "1 h", "req-1", event.hash, event.id, "Access requested", "request.created"]) {
      expect(html).toContain(text);
    }
    expect(html).toContain("{\n  &quot;justification&quot;: &quot;&lt;script&gt;alert(3)&lt;/script&gt;&quot;\n}");
  });
});
