/** File name for a VM's Remote Desktop connection file. */
export function rdpFileName(vmName: string): string {
  return `${vmName.replace(/[^\w.-]+/g, "_")}.rdp`;
}

/** Saves the server's .rdp text through the browser's download. */
export function downloadRdpFile(vmName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/x-rdp" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = rdpFileName(vmName);
  link.click();
  // The download has its own copy once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
