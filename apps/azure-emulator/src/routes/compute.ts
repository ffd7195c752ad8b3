import { Router, type Request } from "express";
import { COMPUTE_API_VERSIONS, apiVersions } from "../arm/api-version.ts";
import { badRequest, resourceNotFound } from "../arm/errors.ts";
import { scaleSetId, virtualMachineId } from "../arm/ids.ts";
import { pageOf } from "../arm/paging.ts";
import { param, requireResourceGroup, requireSubscription } from "../arm/request-context.ts";
import { scaleSetJson, virtualMachineInstanceViewJson, virtualMachineJson } from "../render/compute.ts";
import type { EmulatorState } from "../state.ts";
import type { VirtualMachineRecord } from "../store/types.ts";

const RG = "/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.Compute";
const SCALE_SET_FILTER = /^\s*virtualMachineScaleSet\/id\s+eq\s+'([^']+)'\s*$/i;

/** The one `$filter` ARM documents for VM lists (instances of a flexible scale set). */
function applyFilter(req: Request, vms: VirtualMachineRecord[]): VirtualMachineRecord[] {
  const filter = new URL(req.originalUrl, "https://emulator.invalid").searchParams.get("$filter");
  if (filter === null) return vms;
  const scaleSet = SCALE_SET_FILTER.exec(filter)?.[1];
  if (!scaleSet) throw badRequest("InvalidParameter", `The emulator supports only $filter=virtualMachineScaleSet/id eq '<id>', not '${filter}'.`);
  return vms.filter((vm) => vm.scaleSetId?.toLowerCase() === scaleSet.toLowerCase());
}

/** Virtual machines (flexible scale-set instances included) and scale sets, read-only. */
export function computeRoutes(state: EmulatorState): Router {
  const router = Router();
  const { store } = state;
  const vmVersions = apiVersions("virtualMachines", COMPUTE_API_VERSIONS);
  const vmssVersions = apiVersions("virtualMachineScaleSets", COMPUTE_API_VERSIONS);

  router.get("/subscriptions/:sub/providers/Microsoft.Compute/virtualMachines", vmVersions, (req, res) => {
    const sub = requireSubscription(store, param(req, "sub"));
    res.json(pageOf(req, applyFilter(req, store.listVirtualMachines(sub.subscriptionId)), state.config.pageSize, (vm) => virtualMachineJson(vm)));
  });
  router.get("/subscriptions/:sub/providers/Microsoft.Compute/locations/:location/virtualMachines", vmVersions, (req, res) => {
    const sub = requireSubscription(store, param(req, "sub"));
    const location = param(req, "location").toLowerCase();
    const vms = store.listVirtualMachines(sub.subscriptionId).filter((vm) => vm.location === location);
    res.json(pageOf(req, vms, state.config.pageSize, (vm) => virtualMachineJson(vm)));
  });
  router.get(`${RG}/virtualMachines`, vmVersions, (req, res) => {
    const group = requireResourceGroup(store, param(req, "sub"), param(req, "rg"));
    res.json(pageOf(req, applyFilter(req, store.listVirtualMachines(group.subscriptionId, group.name)), state.config.pageSize, (vm) => virtualMachineJson(vm)));
  });
  const requireVm = (req: Request): VirtualMachineRecord => {
    const group = requireResourceGroup(store, param(req, "sub"), param(req, "rg"));
    const vm = store.virtualMachine(virtualMachineId(group.subscriptionId, group.name, param(req, "vm")));
    if (!vm) throw resourceNotFound("Microsoft.Compute/virtualMachines", param(req, "vm"), group.name);
    return vm;
  };
  router.get(`${RG}/virtualMachines/:vm`, vmVersions, (req, res) => {
    const vm = requireVm(req);
    const expand = new URL(req.originalUrl, "https://emulator.invalid").searchParams.get("$expand");
    if (expand !== null && !["instanceview", "userdata"].includes(expand.toLowerCase())) {
      throw badRequest("InvalidParameter", `The value '${expand}' of parameter '$expand' is not valid. The supported values are 'instanceView, userData'.`);
    }
    res.json(virtualMachineJson(vm, { instanceView: expand?.toLowerCase() === "instanceview" }));
  });
  router.get(`${RG}/virtualMachines/:vm/instanceView`, vmVersions, (req, res) => {
    res.json(virtualMachineInstanceViewJson(requireVm(req)));
  });

  router.get("/subscriptions/:sub/providers/Microsoft.Compute/virtualMachineScaleSets", vmssVersions, (req, res) => {
    const sub = requireSubscription(store, param(req, "sub"));
    res.json(pageOf(req, store.listScaleSets(sub.subscriptionId), state.config.pageSize, scaleSetJson));
  });
  router.get(`${RG}/virtualMachineScaleSets`, vmssVersions, (req, res) => {
    const group = requireResourceGroup(store, param(req, "sub"), param(req, "rg"));
    res.json(pageOf(req, store.listScaleSets(group.subscriptionId, group.name), state.config.pageSize, scaleSetJson));
  });
  router.get(`${RG}/virtualMachineScaleSets/:vmss`, vmssVersions, (req, res) => {
    const group = requireResourceGroup(store, param(req, "sub"), param(req, "rg"));
    const vmss = store.scaleSet(scaleSetId(group.subscriptionId, group.name, param(req, "vmss")));
    if (!vmss) throw resourceNotFound("Microsoft.Compute/virtualMachineScaleSets", param(req, "vmss"), group.name);
    res.json(scaleSetJson(vmss));
  });
  return router;
}
