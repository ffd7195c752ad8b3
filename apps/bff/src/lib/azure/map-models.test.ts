import { describe, expect, it } from "vitest";
import { toInventoryNic, toInventorySubnets, toInventoryVm, toNsg } from "./map-models.ts";

const sub = "00000000-0000-0000-0000-000000000001";
const rg = `/subscriptions/${sub}/resourceGroups/RG-Web`;

describe("mapping ARM models to the inventory types", () => {
  it("reads a VM's OS, size, NICs and scale set", () => {
    const vm = toInventoryVm(
      {
        id: `${rg}/providers/Microsoft.Compute/virtualMachines/web-1`,
        name: "web-1",
        location: "westeurope",
        hardwareProfile: { vmSize: "Standard_B2s" },
        storageProfile: { osDisk: { osType: "Windows", createOption: "FromImage" } },
        networkProfile: { networkInterfaces: [{ id: `${rg}/providers/Microsoft.Network/networkInterfaces/nic-1` }, {}] },
        virtualMachineScaleSet: { id: `${rg}/providers/Microsoft.Compute/virtualMachineScaleSets/ss` },
      },
      sub,
    );
    expect(vm).toEqual({
      id: `${rg}/providers/Microsoft.Compute/virtualMachines/web-1`,
      name: "web-1",
      resourceGroup: "RG-Web",
      subscriptionId: sub,
      location: "westeurope",
      osType: "Windows",
      vmSize: "Standard_B2s",
      scaleSetId: `${rg}/providers/Microsoft.Compute/virtualMachineScaleSets/ss`,
      classic: false,
      nicIds: [`${rg}/providers/Microsoft.Network/networkInterfaces/nic-1`],
    });
  });

  it("leaves OS and size empty when ARM does not say", () => {
    const vm = toInventoryVm({ id: `${rg}/providers/Microsoft.Compute/virtualMachines/x`, location: "eastus" }, sub);
    expect(vm).toMatchObject({ name: "x", osType: null, vmSize: null, scaleSetId: null, nicIds: [] });
  });

  it("collects every private IP and subnet of a NIC", () => {
    const nic = toInventoryNic({
      id: `${rg}/providers/Microsoft.Network/networkInterfaces/nic-1`,
      name: "nic-1",
      networkSecurityGroup: { id: "nsg-1" },
      ipConfigurations: [
        { privateIPAddress: "10.0.0.4", subnet: { id: "subnet-a" } },
        { privateIPAddress: "fd00::4", subnet: { id: "subnet-a" } },
        { subnet: { id: "subnet-b" } },
      ],
    });
    expect(nic).toEqual({
      id: `${rg}/providers/Microsoft.Network/networkInterfaces/nic-1`,
      name: "nic-1",
      privateIps: ["10.0.0.4", "fd00::4"],
      subnetIds: ["subnet-a", "subnet-b"],
      nsgId: "nsg-1",
    });
  });

  it("merges a subnet's singular and plural prefixes", () => {
    const subnets = toInventorySubnets({
      id: "vnet-1",
      location: "westeurope",
      subnets: [
        { id: "s1", name: "s1", addressPrefix: "10.0.0.0/24", addressPrefixes: ["fd00::/64"] },
        { id: "s2", name: "s2", addressPrefixes: ["10.0.1.0/24"], networkSecurityGroup: { id: "nsg-2" } },
      ],
    });
    expect(subnets).toEqual([
      { id: "s1", name: "s1", vnetId: "vnet-1", addressPrefixes: ["10.0.0.0/24", "fd00::/64"], nsgId: null },
      { id: "s2", name: "s2", vnetId: "vnet-1", addressPrefixes: ["10.0.1.0/24"], nsgId: "nsg-2" },
    ]);
  });

  it("normalises security rules into plural lists and ARM's protocol spelling", () => {
    const nsg = toNsg({
      id: `${rg}/providers/Microsoft.Network/networkSecurityGroups/nsg-1`,
      name: "nsg-1",
      location: "westeurope",
      securityRules: [
        {
          name: "ssh",
          priority: 100,
          direction: "Inbound",
          access: "Allow",
          protocol: "TCP",
          sourceAddressPrefix: "*",
          sourcePortRange: "*",
          destinationAddressPrefixes: ["10.0.0.4", "10.0.0.5"],
          destinationPortRanges: ["22", "3389"],
          description: "remote admin",
        },
        { name: "incomplete", protocol: "Tcp", direction: "Inbound", access: "Allow" },
      ],
    });
    expect(nsg).toEqual({
      id: `${rg}/providers/Microsoft.Network/networkSecurityGroups/nsg-1`,
      name: "nsg-1",
      resourceGroup: "RG-Web",
      location: "westeurope",
      rules: [
        {
          name: "ssh",
          priority: 100,
          direction: "Inbound",
          access: "Allow",
          protocol: "Tcp",
          sourceAddressPrefixes: ["*"],
          sourcePortRanges: ["*"],
          destinationAddressPrefixes: ["10.0.0.4", "10.0.0.5"],
          destinationPortRanges: ["22", "3389"],
          description: "remote admin",
        },
      ],
    });
  });
});
