import { describe, expect, it } from "vitest";
import type { Exposure } from "@portcullis/contract";
import { describeExposure, exposureLabel } from "./exposure.ts";

const ssh: Exposure = { port: 22, protocol: "TCP", nsgName: "nsg-web", ruleName: "AllowSSH", priority: 300, source: "Internet" };

describe("exposure text", () => {
  it("labels the chip with the open port", () => {
    expect(exposureLabel(ssh)).toBe("22 open");
  });

  it("names rule, priority, NSG and source", () => {
    expect(describeExposure(ssh)).toBe("Port 22 (TCP) is open to Internet by rule AllowSSH (priority 300) in NSG nsg-web");
  });

  it("spells out the Any protocol", () => {
    expect(describeExposure({ ...ssh, port: 3389, protocol: "Any", source: "*" })).toContain("Port 3389 (any protocol) is open to *");
  });
});
