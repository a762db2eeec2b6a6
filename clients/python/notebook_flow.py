#!/usr/bin/env python3
"""The OCS notebook flow against the OCS Portal, as a script.

What an OCS notebook does with vcpsdk, on the portal's ``local`` provider: make a unit group, a
unit of two nodes from a spec, add a node, power one off and on, delete one by address, look at
df_nodes, make a second unit and delete it by name (delete_units), clean up and delete the unit
group; after each step it checks the nodes' addresses and
that each answers HTTP 200 (or no longer does).

Environment: OCS_URL (the portal), OCS_TOKEN (an API token, fullaccess), OCS_UNIT_GROUP (a name
not in use). Prints one JSON line per step, {"step": name, "ipAddresses": [...]}, and exits 1
with a message on stderr at the first mismatch (after deleting the unit group it made).
"""

import json
import os
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ocs_portal import VcpError, VcpSDK  # noqa: E402

# How long an address may take to start or stop answering once its build is done.
SETTLE_SEC = 10.0
HTTP_TIMEOUT_SEC = 3.0


class Mismatch(Exception):
    pass


def step(name, ip_addresses):
    print(json.dumps({"step": name, "ipAddresses": sorted(ip_addresses)}), flush=True)


def expect(condition, message):
    if not condition:
        raise Mismatch(message)


def status_of(ip, port):
    """The HTTP status GET http://ip:port/ answers, or None when nothing answers."""
    try:
        with urllib.request.urlopen("http://%s:%d/" % (ip, port), timeout=HTTP_TIMEOUT_SEC) as res:
            return res.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, OSError):
        return None


def settle(ip, port, answering):
    """Whether the address comes to answer 200 (answering) or stop answering, within SETTLE_SEC."""
    deadline = time.time() + SETTLE_SEC
    while True:
        status = status_of(ip, port)
        if (status == 200) == answering:
            return True
        if time.time() >= deadline:
            return False
        time.sleep(0.25)


def expect_answering(ips, port):
    for ip in ips:
        expect(settle(ip, port, True), "%s:%d does not answer HTTP 200 (%s)" % (ip, port, status_of(ip, port)))


def expect_refusing(ips, port):
    for ip in ips:
        expect(settle(ip, port, False), "%s:%d still answers" % (ip, port))


def rows_of(table):
    """df_nodes' rows: a pandas DataFrame's records, or the list of dicts it is without pandas."""
    return table.to_dict("records") if hasattr(table, "to_dict") else list(table)


def not_running(ugroup, unit_name=None):
    """The nodes that are not RUNNING, with their state and the portal's reason."""
    return ", ".join(
        "%s/%s %s%s" % (n.unit_name, n.no, n.state, " (%s)" % n.raw.get("stateReason") if n.raw.get("stateReason") else "")
        for n in ugroup.find_nodes(unit_name=unit_name)
        if n.state != "RUNNING"
    )


def eventually(after, probe):
    """probe() gives (value, problem or None). A build that SUCCEEDED should leave nothing to wait
    for; a problem that goes away within SETTLE_SEC is noted on stderr (the portal's nodes were
    late to settle), one that stays is a mismatch."""
    started = time.time()
    first = None
    while True:
        value, problem = probe()
        if problem is None:
            if first:
                sys.stderr.write("notebook_flow: note: after %s: %s; settled %.1f s later\n" % (after, first, time.time() - started))
            return value
        first = first or problem
        if time.time() - started >= SETTLE_SEC:
            raise Mismatch("after %s: %s" % (after, problem))
        time.sleep(0.25)


def running_ips(after, ugroup, expected, unit_name=None):
    """find_ip_addresses(node_state='RUNNING'), which should be `expected` (a count or a list)."""

    def probe():
        ips = ugroup.find_ip_addresses(node_state="RUNNING", unit_name=unit_name)
        ok = sorted(ips) == sorted(expected) if isinstance(expected, list) else len(ips) == expected
        if ok:
            return ips, None
        return ips, "find_ip_addresses(node_state='RUNNING'%s) is %r, not %r; not RUNNING: %s" % (
            ", unit_name=%r" % unit_name if unit_name else "",
            ips,
            expected,
            not_running(ugroup, unit_name) or "none",
        )

    return eventually(after, probe)


def flow(vcp, group_name, made):
    ugroup = vcp.create_ugroup(group_name)
    made.append(ugroup)
    expect(ugroup.name == group_name, "create_ugroup named it %r" % ugroup.name)
    expect(ugroup.state == "RUNNING", "a new unit group is %s, not RUNNING" % ugroup.state)
    expect(vcp.get_ugroup(group_name).id == ugroup.id, "get_ugroup(%r) finds another unit group" % group_name)
    step("create_ugroup", [])

    spec = vcp.get_spec("local", "small")
    spec.num_nodes = 2
    port = spec.port or 8080
    step("get_spec", [])

    unit = ugroup.create_unit("web", spec)
    expect(unit.name == "web" and unit.state == "RUNNING", "unit web is %s" % unit.state)
    expect([u.name for u in ugroup.find_units()] == ["web"], "find_units: %r" % ugroup.find_units())
    step("create_unit", ugroup.find_ip_addresses())

    ips = running_ips("create_unit('web', spec)", ugroup, 2)
    expect_answering(ips, port)
    step("find_ip_addresses", ips)

    unit.add_nodes(1)
    ips = running_ips("add_nodes(1)", ugroup, 3)
    expect_answering(ips, port)
    step("add_nodes", ips)

    off_ip = ips[0]
    [off_node] = unit.find_nodes(ip_address=off_ip)
    unit.power_off_nodes(node_no=off_node.no)
    expect_refusing([off_ip], port)
    expect([n.state for n in unit.find_nodes(node_no=off_node.no)] == ["POWER_OFF"], "node %d is not POWER_OFF" % off_node.no)
    running = running_ips("power_off_nodes(node_no=%d)" % off_node.no, ugroup, [ip for ip in ips if ip != off_ip])
    expect_answering(running, port)
    step("power_off_nodes", running)

    unit.power_on_nodes(node_no=off_node.no)
    running = running_ips("power_on_nodes(node_no=%d)" % off_node.no, ugroup, ips)
    expect_answering(running, port)
    step("power_on_nodes", running)

    gone_ip = ips[-1]
    unit.delete_nodes(ip_address=gone_ip)
    expect(gone_ip not in ugroup.find_ip_addresses(), "%s is still a node's address after delete_nodes" % gone_ip)
    left = running_ips("delete_nodes(ip_address=%r)" % gone_ip, ugroup, [ip for ip in ips if ip != gone_ip])
    expect(sorted(ugroup.find_ip_addresses()) == sorted(left), "nodes not RUNNING are left: %r" % ugroup.find_ip_addresses())
    expect_refusing([gone_ip], port)
    expect_answering(left, port)
    step("delete_nodes", left)

    def df_probe():
        rows = rows_of(ugroup.df_nodes())
        unit_rows = rows_of(unit.df_nodes())
        mine = [r for r in rows_of(vcp.df_nodes()) if r["vcid"] == ugroup.id]
        if len(rows) != 2:
            return rows, "df_nodes has %d rows, not 2" % len(rows)
        if sorted(r["cloud_instance_address"] for r in rows) != sorted(left):
            return rows, "df_nodes addresses %r, not %r" % ([r["cloud_instance_address"] for r in rows], left)
        for r in rows:
            if not (r["vcname"] == group_name and r["unit_name"] == "web" and r["node_state"] == "RUNNING"):
                return rows, "df_nodes row %r" % r
        if unit_rows != rows:
            return rows, "unit.df_nodes() %r differs from ugroup.df_nodes() %r" % (unit_rows, rows)
        if mine != rows:
            return rows, "vcp.df_nodes() rows of the unit group %r differ from ugroup.df_nodes() %r" % (mine, rows)
        return rows, None

    rows = eventually("delete_nodes", df_probe)
    step("df_nodes", [r["cloud_instance_address"] for r in rows])

    # delete_units: a second unit made and deleted by name (DELETE /api/v1/units/{id}).
    other = vcp.get_spec("local", "small")
    other.num_nodes = 1
    ugroup.create_unit("api", other)
    api_ips = running_ips("create_unit('api', spec)", ugroup, 1, unit_name="api")
    expect_answering(api_ips, other.port or 8080)
    ugroup.delete_units("api")
    expect([u.name for u in ugroup.find_units()] == ["web"], "units after delete_units('api'): %r" % [u.name for u in ugroup.find_units()])
    expect(ugroup.find_ip_addresses(unit_name="api") == [], "unit api still has addresses")
    expect_refusing(api_ips, other.port or 8080)
    running = running_ips("delete_units('api')", ugroup, left, unit_name="web")
    step("delete_units", running)

    former = sorted(set(ips) | set(left) | set(api_ips))
    ugroup.cleanup()
    expect(ugroup.find_units() == [], "units left after cleanup: %r" % ugroup.find_units())
    expect(ugroup.find_ip_addresses() == [], "addresses left after cleanup: %r" % ugroup.find_ip_addresses())
    expect(ugroup.state == "RUNNING", "after cleanup the unit group is %s, not RUNNING" % ugroup.state)
    expect_refusing(former, port)
    step("cleanup", ugroup.find_ip_addresses())

    ugroup.delete()
    made.remove(ugroup)
    expect(vcp.get_ugroup(group_name) is None, "unit group %s is still there after its deletion" % group_name)
    step("delete_ugroup", [])


def main():
    missing = [k for k in ("OCS_URL", "OCS_TOKEN", "OCS_UNIT_GROUP") if not os.environ.get(k)]
    if missing:
        sys.stderr.write("notebook_flow: set %s\n" % ", ".join(missing))
        return 2
    vcp = VcpSDK(os.environ["OCS_TOKEN"], os.environ["OCS_URL"], verbose=int(os.environ.get("OCS_VERBOSE", "0")))
    vcp.poll_interval_sec = float(os.environ.get("OCS_POLL_INTERVAL_SEC", "0.5"))
    made = []
    try:
        flow(vcp, os.environ["OCS_UNIT_GROUP"], made)
        return 0
    except Mismatch as e:
        sys.stderr.write("notebook_flow: mismatch: %s\n" % e)
        for ugroup in made:
            try:
                for n in ugroup.find_nodes():
                    sys.stderr.write("notebook_flow: node %s/%s %s %s %s\n" % (n.unit_name, n.no, n.cloud_instance_address, n.state, n.raw.get("stateReason") or ""))
            except VcpError as e2:
                sys.stderr.write("notebook_flow: could not list the nodes: %s\n" % e2)
    except VcpError as e:
        sys.stderr.write("notebook_flow: the portal refused or failed: %s\n" % e)
    finally:
        # A failed flow leaves nothing behind either.
        for ugroup in made:
            try:
                ugroup.delete()
            except Exception as e:  # noqa: BLE001 - reported, the flow has failed already
                sys.stderr.write("notebook_flow: could not delete unit group %s: %s\n" % (ugroup.name, e))
    return 1


if __name__ == "__main__":
    sys.exit(main())
