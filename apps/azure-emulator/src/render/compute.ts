import type { ScaleSetRecord, VirtualMachineRecord } from "../store/types.ts";

/** ARM's JSON for Microsoft.Compute resources (what the api-version 2026-04-01 SDK deserializes). */

export function virtualMachineJson(vm: VirtualMachineRecord): object {
  const osDiskName = `${vm.name}_OsDisk_1_${vm.vmUniqueId.replace(/-/g, "")}`;
  const osProfile: Record<string, unknown> = {
    computerName: vm.computerName,
    adminUsername: vm.adminUsername,
    secrets: [],
    allowExtensionOperations: true,
    requireGuestProvisionSignal: true,
  };
  if (vm.osType === "Linux") {
    osProfile["linuxConfiguration"] = { disablePasswordAuthentication: true, provisionVMAgent: true, patchSettings: { patchMode: "ImageDefault", assessmentMode: "ImageDefault" } };
  } else {
    osProfile["windowsConfiguration"] = { provisionVMAgent: true, enableAutomaticUpdates: true, patchSettings: { patchMode: "AutomaticByOS", assessmentMode: "ImageDefault" } };
  }
  const properties: Record<string, unknown> = {
    vmId: vm.vmUniqueId,
    hardwareProfile: { vmSize: vm.vmSize },
    storageProfile: {
      imageReference: { ...vm.image, exactVersion: "1.0.0" },
      osDisk: {
        osType: vm.osType,
        name: osDiskName,
        createOption: "FromImage",
        caching: "ReadWrite",
        managedDisk: {
          storageAccountType: "Premium_LRS",
          id: `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.resourceGroup.toUpperCase()}/providers/Microsoft.Compute/disks/${osDiskName}`,
        },
        deleteOption: "Delete",
        diskSizeGB: vm.osType === "Linux" ? 30 : 127,
      },
      dataDisks: [],
      diskControllerType: "SCSI",
    },
    osProfile,
    networkProfile: {
      networkInterfaces: vm.nicIds.map((id, i) => ({ id, properties: { primary: i === 0, deleteOption: "Detach" } })),
    },
    diagnosticsProfile: { bootDiagnostics: { enabled: true } },
    provisioningState: "Succeeded",
    timeCreated: vm.timeCreated,
  };
  if (vm.scaleSetId) properties["virtualMachineScaleSet"] = { id: vm.scaleSetId };
  const json: Record<string, unknown> = {
    name: vm.name,
    id: vm.id,
    type: "Microsoft.Compute/virtualMachines",
    location: vm.location,
  };
  if (Object.keys(vm.tags).length > 0) json["tags"] = vm.tags;
  if (vm.zones.length > 0) json["zones"] = vm.zones;
  json["properties"] = properties;
  return json;
}

export function scaleSetJson(vmss: ScaleSetRecord): object {
  return {
    name: vmss.name,
    id: vmss.id,
    type: "Microsoft.Compute/virtualMachineScaleSets",
    location: vmss.location,
    sku: { name: vmss.skuName, tier: "Standard", capacity: vmss.capacity },
    properties: {
      singlePlacementGroup: false,
      orchestrationMode: vmss.orchestrationMode,
      platformFaultDomainCount: 1,
      provisioningState: "Succeeded",
      uniqueId: vmss.uniqueId,
      timeCreated: vmss.timeCreated,
    },
  };
}
