/** The VM name at the end of an ARM id; the id itself when it has no name segment. */
export function vmNameFromId(vmId: string): string {
  const match = /\/virtualMachines\/([^/]+)\/?$/i.exec(vmId);
  return match?.[1] ?? vmId;
}
