// ARM ids have one home, the contract (web, BFF and core read them alike); core's callers keep these names.
export { armIdKey, nameFromArmId, resourceGroupFromArmId, subscriptionKey } from "@portcullis/contract";
