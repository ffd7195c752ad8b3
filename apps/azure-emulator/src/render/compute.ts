import type { ScaleSetRecord, VirtualMachineRecord } from "../store/types.ts";

/** ARM's JSON for Microsoft.Compute resources (what the api-version 2026-04-01 SDK deserializes). */

/** What `GET .../virtualMachines/{vm}/instanceView` answers (shape of Azure's VirtualMachine_Get_InstanceView example); every VM runs. */
export function virtualMachineInstanceViewJson(vm: VirtualMachineRecord): object {
  const at = vm.timeCreated;
  const succeeded = (displayStatus: string, time?: string): Record<string, unknown> => ({
    code: "ProvisioningState/succeeded",
    level: "Info",
    displayStatus,
    ...(time === undefined ? {} : { time }),
  });
  return {
    computerName: vm.computerName,
    osName: vm.osType === "Linux" ? "ubuntu" : "Windows Server 2022 Datacenter Azure Edition",
    osVersion: vm.osType === "Linux" ? "24.04" : "Microsoft Windows NT 10.0.20348.0",
    vmAgent: {
      vmAgentVersion: vm.osType === "Linux" ? "2.11.1.12" : "2.7.41491.1102",
      statuses: [{ ...succeeded("Ready", at), message: "GuestAgent is running and processing the extensions." }],
      extensionHandlers: [],
    },
    disks: [{ name: osDiskName(vm), statuses: [succeeded("Provisioning succeeded", at)] }],
    hyperVGeneration: "V2",
    isVMInStandbyPool: false,
    statuses: [succeeded("Provisioning succeeded", at), { code: "PowerState/running", level: "Info", displayStatus: "VM running" }],
  };
}

function osDiskName(vm: VirtualMachineRecord): string {
  return `${vm.name}_OsDisk_1_${vm.vmUniqueId.replace(/-/g, "")}`;
}

/** The VM; with `$expand=instanceView`, its instance view in `properties.instanceView` (as ARM does). */
export function virtualMachineJson(vm: VirtualMachineRecord, options: { instanceView?: boolean } = {}): object {
  const diskName = osDiskName(vm);
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
        name: diskName,
        createOption: "FromImage",
        caching: "ReadWrite",
        managedDisk: {
          storageAccountType: "Premium_LRS",
          id: `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.resourceGroup.toUpperCase()}/providers/Microsoft.Compute/disks/${diskName}`,
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
  if (options.instanceView === true) properties["instanceView"] = virtualMachineInstanceViewJson(vm);
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
