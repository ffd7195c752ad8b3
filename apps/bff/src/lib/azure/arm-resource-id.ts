/** The parts of an ARM resource id the SDK's calls take as separate arguments. */
export interface ArmResourceId {
  subscriptionId: string;
  resourceGroup: string;
  /** `Microsoft.Network/networkSecurityGroups` etc., as written in the id. */
  type: string;
  name: string;
  /** For a child (a subnet): its type segment and name. */
  child: { type: string; name: string } | null;
}

const pattern =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+\/[^/]+)\/([^/]+)(?:\/([^/]+)\/([^/]+))?\/?$/i;

/** Null when `id` is not `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{child}/{name}]`. */
export function parseArmResourceId(id: string): ArmResourceId | null {
  const match = pattern.exec(id.trim());
  if (match === null) return null;
  const [, subscriptionId = "", resourceGroup = "", type = "", name = "", childType, childName] = match;
  return {
    subscriptionId,
    resourceGroup,
    type,
    name,
    child: childType !== undefined && childName !== undefined ? { type: childType, name: childName } : null,
  };
}

/** Like parseArmResourceId, for ids of the given type (case-insensitive); throws when the id is not one. */
export function requireArmResourceId(id: string, type: string): ArmResourceId {
  const parsed = parseArmResourceId(id);
  if (parsed === null || parsed.type.toLowerCase() !== type.toLowerCase()) throw new Error(`not a ${type} id: ${id}`);
  return parsed;
}
