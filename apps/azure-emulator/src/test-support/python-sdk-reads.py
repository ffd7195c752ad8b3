"""Reads the emulator's estate through Debian's Python Azure SDK (python3-azure) at the SDK's default
api-versions, and prints what it read as JSON. Used by src/python-sdk.test.ts.

Usage: python-sdk-reads.py <emulator url> <CA certificate file> <subscription id>...
"""
import json
import sys
import time

from azure.core.credentials import AccessToken
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.resource import SubscriptionClient


class StaticToken:
    def get_token(self, *scopes, **kwargs):
        return AccessToken("python-sdk-token", int(time.time()) + 3600)


def main():
    url, ca_file, *subscription_ids = sys.argv[1:]
    options = {"base_url": url, "credential_scopes": [url + "/.default"], "connection_verify": ca_file}
    credential = StaticToken()
    subscriptions = SubscriptionClient(credential, **options)
    out = {
        "subscriptions": [{"id": s.subscription_id, "tenantId": s.tenant_id} for s in subscriptions.subscriptions.list()],
        "vms": [], "nics": [], "nsgs": [], "vnets": 0, "instanceView": None,
    }
    for sub in subscription_ids:
        compute = ComputeManagementClient(credential, sub, **options)
        network = NetworkManagementClient(credential, sub, **options)
        for vm in compute.virtual_machines.list_all():
            out["vms"].append({"name": vm.name, "nics": [n.id for n in vm.network_profile.network_interfaces]})
        for nic in network.network_interfaces.list_all():
            out["nics"].append({
                "name": nic.name,
                "ipConfigurations": [
                    {"privateIPAddress": c.private_ip_address, "prefixLength": getattr(c, "private_ip_address_prefix_length", None),  # not in the 2022-07-01 model
                     "publicIPAddress": c.public_ip_address.id if c.public_ip_address else None}
                    for c in nic.ip_configurations
                ],
            })
        for nsg in network.network_security_groups.list_all():
            out["nsgs"].append({"name": nsg.name, "etag": nsg.etag, "flushConnection": nsg.flush_connection, "rules": len(nsg.security_rules)})
        out["vnets"] += len(list(network.virtual_networks.list_all()))
        if out["instanceView"] is None:
            first = next(iter(out["vms"]), None)
            if first is not None:
                rg = first["nics"][0].split("/")[4]
                view = compute.virtual_machines.instance_view(rg, first["name"])
                out["instanceView"] = {"computerName": view.computer_name, "statuses": [s.code for s in view.statuses]}
    print(json.dumps(out))


main()
