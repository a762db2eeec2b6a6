"""OCS Portal client with the VCP SDK's names, for OCS notebooks.

One module, Python's standard library only (pandas is used by the df_* methods when it is
installed). An OCS notebook runs against the portal with only its import and connection line
changed::

    # from vcpsdk.vcpsdk import VcpSDK
    # vcp = VcpSDK(vcc_access_token)
    from ocs_portal import VcpSDK
    vcp = VcpSDK(token, "https://portal.example.ac.jp")

    ugroup = vcp.create_ugroup("mygroup")
    spec = vcp.get_spec("aws", "small")
    spec.num_nodes = 2
    unit = ugroup.create_unit("web", spec)          # waits until its nodes run
    unit.add_nodes(1)
    ugroup.find_ip_addresses(node_state="RUNNING")
    ugroup.cleanup()

Every call is a REST call to the portal's /api/v1 (its OpenAPI document is at
GET /api/v1/openapi.json) with ``Authorization: Bearer <token>``. Changes run as builds: with
``wait_for=True`` (the default) a method polls its build until it SUCCEEDED, raises VcpError when
it FAILED or was CANCELLED, and VcpTimeoutError (carrying ``build_id``) after ``wait_timeout_sec``
(1000 s, as vcpsdk's). Every POST carries an ``Idempotency-Key``, so the one retry after a lost
connection is never carried out twice.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

__version__ = "1.0.0"
__all__ = [
    "VcpSDK",
    "VcpUnitGroup",
    "VcpUnitGroupClass",
    "VcpUnit",
    "VcpUnitClass",
    "VcpSpec",
    "VcpNode",
    "VcpError",
    "VcpTimeoutError",
]

DEFAULT_WAIT_TIMEOUT_SEC = 1000
DEFAULT_POLL_INTERVAL_SEC = 2.0
DEFAULT_REQUEST_TIMEOUT_SEC = 60.0
# A retried request waits this long first (or what the portal's Retry-After says, up to MAX).
RETRY_DELAY_SEC = 1.0
MAX_RETRY_AFTER_SEC = 10.0


# ── errors ───────────────────────────────────────────────────────────────────────────────────────


class VcpError(Exception):
    """A refusal or failure: the portal's error (``code``, HTTP ``status``, per-field ``fields``,
    ``details``), or a build that FAILED or was CANCELLED (``build_id``, ``build``)."""

    def __init__(self, message, code=None, status=None, fields=None, details=None, build_id=None, build=None):
        super().__init__(message)
        # create_unit sets these when its build fails or its wait times out.
        self.unit_id = None
        self.unit_name = None
        self.message = message
        self.code = code
        self.status = status
        self.fields = dict(fields or {})
        self.details = dict(details or {})
        self.build_id = build_id
        self.build = build

    def __str__(self):
        text = self.message
        if self.code:
            text = "%s: %s" % (self.code, text)
        if self.fields:
            text += " (" + "; ".join("%s: %s" % (k, v) for k, v in self.fields.items()) + ")"
        if self.build_id and self.build_id not in text:
            text += " [build %s]" % self.build_id
        return text


class VcpTimeoutError(VcpError):
    """A wait ran out of time: the build (``build_id``) may still finish. Wait again with
    ``vcp.wait_build(e.build_id)``, or look the unit up by name (``ugroup.get_unit(name)``)."""

    def __init__(self, message, build_id=None, timeout_sec=None):
        super().__init__(message, code="TIMEOUT", build_id=build_id)
        self.timeout_sec = timeout_sec


# ── the spec ─────────────────────────────────────────────────────────────────────────────────────

# vcpsdk's attribute → the portal's spec field.
_SPEC_FIELDS = {
    "provider": "provider",
    "flavor": "flavor",
    "num_nodes": "numNodes",
    "image": "image",
    "instance_type": "instanceType",
    "volume_size": "volumeSize",
    "ip_addresses": "ipAddresses",
    "tags": "tags",
    "port": "port",
    "health_path": "healthPath",
    "params_e": "environment",
    "local_command": "localCommand",
    "ssh_public_key": "sshPublicKey",
}
# Left out of the request when empty (the portal refuses an empty localCommand, and an empty
# address list means "addresses from the provider").
_OMIT_WHEN_EMPTY = ("ipAddresses", "tags", "environment", "localCommand")


class VcpSpec(object):
    """A unit's spec, as ``VcpSDK.get_spec(provider, flavor)`` gives it: the flavor's values and the
    base container's defaults, under vcpsdk's names. Change attributes, then pass it to
    ``create_unit``. Attributes: provider, flavor, num_nodes, image, instance_type, volume_size,
    ip_addresses, tags, port, health_path, params_e (NAME=value list, docker -e), local_command,
    ssh_public_key. vcpsdk attributes the portal has no equivalent for (params_v, cloud_image,
    user_init_command, dns, …) are refused when the spec is sent, rather than dropped silently."""

    def __init__(self, provider, flavor="small", **values):
        self.provider = provider
        self.flavor = flavor
        self.num_nodes = 1
        self.image = None
        self.instance_type = None
        self.volume_size = None
        self.ip_addresses = []
        self.tags = {}
        self.port = None
        self.health_path = None
        self.params_e = []
        self.local_command = []
        self.ssh_public_key = None
        for name, value in values.items():
            setattr(self, name, value)

    @classmethod
    def from_portal(cls, spec):
        """A spec from the portal's camelCase spec object."""
        by_field = dict((field, attr) for attr, field in _SPEC_FIELDS.items())
        values = dict((by_field[k], v) for k, v in spec.items() if k in by_field and k not in ("provider", "flavor"))
        values["ip_addresses"] = list(values.get("ip_addresses") or [])
        values["tags"] = dict(values.get("tags") or {})
        values["params_e"] = list(values.get("params_e") or [])
        values["local_command"] = list(values.get("local_command") or [])
        return cls(spec["provider"], spec.get("flavor", "small"), **values)

    def set_tag(self, key, value):
        """Sets one tag (a name and a value) on the unit's machines."""
        self.tags[str(key)] = str(value)

    def set_ssh_pubkey(self, path):
        """Reads an SSH public key file (e.g. ~/.ssh/id_rsa.pub): the portal passes it to the base
        container as AUTHORIZED_KEYS, as OCS did."""
        with open(os.path.expanduser(path)) as f:
            self.ssh_public_key = f.read().strip()

    def to_portal(self):
        """The portal's spec object (camelCase), as POST /api/v1/unit-groups/{id}/units takes it."""
        unsupported = sorted(k for k, v in vars(self).items() if k not in _SPEC_FIELDS and not k.startswith("_") and v not in (None, [], {}, ""))
        if unsupported:
            raise VcpError(
                "The portal's spec has no %s" % ", ".join(unsupported),
                code="UNSUPPORTED",
                fields=dict(("spec." + k, "not supported by the OCS Portal") for k in unsupported),
            )
        spec = {}
        for attr, field in _SPEC_FIELDS.items():
            value = getattr(self, attr, None)
            if value is None or (field in _OMIT_WHEN_EMPTY and not value):
                continue
            if field in ("ipAddresses", "environment", "localCommand"):
                value = list(value)
            elif field == "tags":
                value = dict((str(k), str(v)) for k, v in value.items())
            spec[field] = value
        return spec

    def __repr__(self):
        return "VcpSpec(%s)" % ", ".join("%s=%r" % (k, v) for k, v in vars(self).items() if not k.startswith("_"))


# ── nodes ────────────────────────────────────────────────────────────────────────────────────────


class VcpNode(object):
    """One node (vcplib's VcNode): ``no``, ``id``, ``state``, ``cloud_instance_address`` (its IP),
    ``cloud_instance_id``, ``cloud_instance_name``, ``unit_name``; ``raw`` is the portal's node object."""

    def __init__(self, raw, unit_name=None, unit_state=None):
        self.raw = raw
        self.no = raw.get("nodeNo")
        self.id = raw.get("id")
        self.state = raw.get("state")
        self.cloud_instance_address = raw.get("ipAddress")
        self.cloud_instance_id = raw.get("cloudInstanceId")
        self.cloud_instance_name = raw.get("name")
        self.provider = raw.get("provider")
        self.flavor = raw.get("flavor")
        self.unit_name = unit_name
        self.unit_state = unit_state

    # vcpsdk spellings seen in notebooks
    @property
    def node_no(self):
        return self.no

    @property
    def ip_address(self):
        return self.cloud_instance_address

    def __repr__(self):
        return "VcpNode(unit=%r, no=%r, state=%r, ip=%r)" % (self.unit_name, self.no, self.state, self.cloud_instance_address)


def _frame(rows, columns):
    """A pandas DataFrame of the rows when pandas is installed, else the rows (a list of dicts)."""
    try:
        import pandas
    except ImportError:
        return rows
    return pandas.DataFrame(rows, columns=columns)


_NODE_COLUMNS = [
    "vcid",
    "vcname",
    "unit_name",
    "unit_state",
    "node_no",
    "node_id",
    "node_state",
    "cloud_instance_address",
    "cloud_instance_id",
    "cloud_instance_name",
    "provider",
    "flavor",
]
_UNIT_COLUMNS = ["vcid", "vcname", "vc_state", "unit_id", "unit_name", "unit_state", "provider", "flavor", "num_nodes", "cdate"]
_UGROUP_COLUMNS = ["vcid", "vcname", "state", "owner", "node_count", "running_count", "cdate"]


def _node_row(group, unit, node):
    return {
        "vcid": group["id"],
        "vcname": group["name"],
        "unit_name": unit["name"],
        "unit_state": unit["state"],
        "node_no": node.get("nodeNo"),
        "node_id": node.get("id"),
        "node_state": node.get("state"),
        "cloud_instance_address": node.get("ipAddress"),
        "cloud_instance_id": node.get("cloudInstanceId"),
        "cloud_instance_name": node.get("name"),
        "provider": node.get("provider"),
        "flavor": node.get("flavor"),
    }


# The node states the portal powers off or on from.
_POWER_FROM = {"off": ("RUNNING", "CONTAINER_ERROR", "HOST_ERROR"), "on": ("POWER_OFF",)}


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return list(value)
    return [value]


def _select_nodes(nodes, node_id=None, node_state=None, node_no=None, ip_addresses=None, ip_address=None, cloud_instance_id=None):
    """vcpsdk's find_nodes filters, ANDed; the address list and the single address are unioned."""
    ids, states, nos, instance_ids = _as_list(node_id), _as_list(node_state), _as_list(node_no), _as_list(cloud_instance_id)
    ips = _as_list(ip_addresses) + _as_list(ip_address)
    return [
        n
        for n in nodes
        if (not ids or n.id in ids)
        and (not states or n.state in states)
        and (not nos or n.no in [int(x) for x in nos])
        and (not ips or n.cloud_instance_address in ips)
        and (not instance_ids or n.cloud_instance_id in instance_ids)
    ]


# ── the client ───────────────────────────────────────────────────────────────────────────────────


class VcpSDK(object):
    """The entry point: ``VcpSDK(token, url)``. ``token`` is an API token issued in the portal
    (Organization → API tokens); ``url`` the portal's address (default: $OCS_URL).
    ``wait_timeout_sec`` (1000 s, vcpsdk's default) bounds every wait; ``verbose=1`` prints build
    log lines to stderr while waiting."""

    def __init__(self, vcc_access_token=None, url=None, config_dir=None, verbose=0, wait_timeout_sec=DEFAULT_WAIT_TIMEOUT_SEC, poll_interval_sec=DEFAULT_POLL_INTERVAL_SEC, request_timeout_sec=DEFAULT_REQUEST_TIMEOUT_SEC):
        token = vcc_access_token or os.environ.get("OCS_TOKEN")
        base = url or os.environ.get("OCS_URL")
        if not token:
            raise VcpError("An API token is needed: VcpSDK(token, url)", code="UNAUTHENTICATED")
        if not base:
            raise VcpError("The portal's URL is needed: VcpSDK(token, url) or $OCS_URL", code="INVALID_INPUT")
        self._token = token
        self.url = base.rstrip("/")
        self.verbose = verbose
        self.wait_timeout_sec = wait_timeout_sec
        self.poll_interval_sec = poll_interval_sec
        self.request_timeout_sec = request_timeout_sec
        # config_dir is vcpsdk's; the portal keeps provider credentials and flavors itself.
        self.config_dir = config_dir

    def __repr__(self):
        return "VcpSDK(url=%r)" % self.url

    # ── HTTP ──

    def _request(self, method, path, body=None, query=None, expect_json=True):
        """One REST call; returns the decoded JSON answer (None for an empty one). A POST carries a
        fresh Idempotency-Key; a lost connection (or a 503) is retried once with the same key."""
        url = self.url + path
        if query:
            pairs = [(k, v) for k, v in query.items() if v is not None]
            if pairs:
                url += "?" + urllib.parse.urlencode(pairs)
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Authorization": "Bearer " + self._token, "Accept": "application/json", "User-Agent": "ocs-portal-python/" + __version__}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if method == "POST":
            headers["Idempotency-Key"] = str(uuid.uuid4())
        for attempt in (1, 2):
            req = urllib.request.Request(url, data=data, headers=headers, method=method)
            try:
                with urllib.request.urlopen(req, timeout=self.request_timeout_sec) as res:
                    text = res.read().decode("utf-8")
                    if not expect_json:
                        return text
                    return json.loads(text) if text.strip() else None
            except urllib.error.HTTPError as e:
                text = e.read().decode("utf-8", "replace")
                if e.code == 503 and attempt == 1:
                    time.sleep(self._retry_after(e.headers.get("Retry-After")))
                    continue
                raise self._error(method, path, e.code, text)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as e:
                if attempt == 1:
                    time.sleep(RETRY_DELAY_SEC)
                    continue
                reason = getattr(e, "reason", e)
                raise VcpError("Cannot reach the portal at %s (%s %s): %s" % (self.url, method, path, reason), code="CONNECTION")

    @staticmethod
    def _retry_after(value):
        try:
            return min(max(float(value), 0.0), MAX_RETRY_AFTER_SEC)
        except (TypeError, ValueError):
            return RETRY_DELAY_SEC

    @staticmethod
    def _error(method, path, status, text):
        try:
            error = json.loads(text)["error"]
            details = error.get("details") or {}
            return VcpError(error.get("message") or "HTTP %d" % status, code=error.get("code"), status=status, fields=details.get("fields"), details=details)
        except (ValueError, KeyError, TypeError, AttributeError):
            return VcpError("%s %s answered HTTP %d: %s" % (method, path, status, text[:300]), code="HTTP_%d" % status, status=status)

    def _get(self, path, query=None):
        return self._request("GET", path, query=query)

    def _post(self, path, body=None):
        return self._request("POST", path, body={} if body is None else body)

    def _delete(self, path):
        return self._request("DELETE", path)

    # ── builds ──

    def get_build(self, build_id):
        """The build (status QUEUED/RUNNING/SUCCEEDED/FAILED/CANCELLED, error, steps, logs).
        GET /api/v1/builds/{id}"""
        return self._get("/api/v1/builds/" + urllib.parse.quote(build_id))["build"]

    def wait_build(self, build_id, timeout_sec=None):
        """Polls the build until it SUCCEEDED (returns it); raises VcpError when it FAILED or was
        CANCELLED (with the build's error), VcpTimeoutError after ``timeout_sec`` (default
        ``wait_timeout_sec``). GET /api/v1/builds/{id}?afterLogId=N"""
        timeout = self.wait_timeout_sec if timeout_sec is None else timeout_sec
        deadline = time.time() + timeout
        after = None
        started = time.time()
        while True:
            build = self._get("/api/v1/builds/" + urllib.parse.quote(build_id), {"afterLogId": after})["build"]
            for line in build.get("logs") or []:
                after = line.get("id", after)
                if self.verbose:
                    sys.stderr.write("[%s] %s\n" % (build_id[:8], line.get("message")))
            status = build.get("status")
            if status == "SUCCEEDED":
                return build
            if status in ("FAILED", "CANCELLED"):
                raise VcpError(
                    build.get("error") or "The build %s" % status.lower(),
                    code="BUILD_" + status,
                    details={"status": status},
                    build_id=build_id,
                    build=build,
                )
            if time.time() >= deadline:
                raise VcpTimeoutError(
                    "Build %s is still %s after %d s: wait again with vcp.wait_build(%r), or get the unit by name" % (build_id, status, timeout, build_id),
                    build_id=build_id,
                    timeout_sec=timeout,
                )
            if self.verbose > 1:
                sys.stderr.write("[%s] %s … %d sec\n" % (build_id[:8], status, time.time() - started))
            time.sleep(min(self.poll_interval_sec, max(deadline - time.time(), 0.05)))

    def _finish(self, build_id, wait_for):
        if wait_for and build_id:
            self.wait_build(build_id)
        return build_id

    # ── unit groups ──

    def version(self):
        """This client's version and the portal it talks to (no REST call)."""
        return {"ocs_portal": __version__, "url": self.url, "wait_timeout_sec": self.wait_timeout_sec}

    def create_ugroup(self, name, ugroup_type="compute", privileged=False, organization_id=None, expires_at=None):
        """Makes an empty unit group (a VC) and returns it. Only ``compute`` groups exist in the
        portal. ``organization_id``: the organization it belongs to (the token's by default).
        POST /api/v1/unit-groups"""
        if ugroup_type != "compute":
            raise VcpError("The portal has no %s unit groups" % ugroup_type, code="UNSUPPORTED", fields={"ugroup_type": "only compute is supported"})
        body = {"name": name}
        if organization_id:
            body["organizationId"] = organization_id
        if expires_at:
            body["expiresAt"] = expires_at
        return VcpUnitGroup(self, self._post("/api/v1/unit-groups", body)["unitGroup"])

    def get_ugroup(self, name, privileged=False):
        """The unit group of that name, or None when there is none.
        GET /api/v1/unit-groups?name=…, then GET /api/v1/unit-groups/{id}"""
        found = self._get("/api/v1/unit-groups", {"name": name})["unitGroups"]
        return self.get_ugroup_by_id(found[0]["id"]) if found else None

    def get_ugroup_by_id(self, unit_group_id):
        """The unit group of that id. GET /api/v1/unit-groups/{id}"""
        return VcpUnitGroup(self, self._unit_group_detail(unit_group_id))

    def _unit_group_detail(self, unit_group_id):
        """GET /api/v1/unit-groups/{id} with every unit's nodes: the read carries a unit's first
        page of them, GET /api/v1/units/{id}/nodes (a page at a time) the rest."""
        detail = self._get("/api/v1/unit-groups/" + urllib.parse.quote(unit_group_id))["unitGroup"]
        for unit in detail["units"]:
            cursor = unit.get("nodesNextCursor")
            while cursor:
                page = self._get("/api/v1/units/%s/nodes" % urllib.parse.quote(unit["id"]), {"limit": 200, "cursor": cursor})
                unit["nodes"].extend(page["nodes"])
                cursor = page.get("nextCursor")
            unit["nodesNextCursor"] = None
        return detail

    def _ugroup_summaries(self):
        items, cursor = [], None
        while True:
            page = self._get("/api/v1/unit-groups", {"limit": 200, "cursor": cursor})
            items.extend(page["unitGroups"])
            cursor = page.get("nextCursor")
            if not cursor:
                return items

    def find_ugroups(self, ugroup_name=None, vcid=None, vcno=None, state=None, ugroup_type=None, privileged=False):
        """Unit groups the token may see, filtered (ANDed) by name, id (vcid) and state.
        GET /api/v1/unit-groups (every page), then GET /api/v1/unit-groups/{id} for each match"""
        matches = [
            s
            for s in self._ugroup_summaries()
            if (ugroup_name is None or s["name"] == ugroup_name)
            and (vcid is None or s["id"] == vcid)
            and (state is None or s["state"] == state)
            and (ugroup_type in (None, "compute"))
        ]
        return [self.get_ugroup_by_id(s["id"]) for s in matches]

    def df_ugroups(self, privileged=False):
        """The unit groups as a table (a pandas DataFrame, or a list of dicts without pandas):
        vcid, vcname, state, owner (organization), node_count, running_count, cdate.
        GET /api/v1/unit-groups"""
        rows = [
            {
                "vcid": s["id"],
                "vcname": s["name"],
                "state": s["state"],
                "owner": s.get("organizationName"),
                "node_count": s.get("nodeCount"),
                "running_count": s.get("runningCount"),
                "cdate": s.get("createdAt"),
            }
            for s in self._ugroup_summaries()
        ]
        return _frame(rows, _UGROUP_COLUMNS)

    def df_nodes(self, privileged=False):
        """Every node of every unit group the token may see, as a table (see VcpUnitGroup.df_nodes).
        GET /api/v1/unit-groups, then GET /api/v1/unit-groups/{id} for each"""
        rows = []
        for s in self._ugroup_summaries():
            try:
                rows.extend(self.get_ugroup_by_id(s["id"])._node_rows())
            except VcpError as e:
                if e.status != 404:  # deleted meanwhile
                    raise
        return _frame(rows, _NODE_COLUMNS)

    def delete_ugroup(self, name, wait_for=True):
        """Tears the unit group of that name down (its units and nodes too) and, with wait_for,
        waits until it is gone. DELETE /api/v1/unit-groups/{id}"""
        group = self.get_ugroup(name)
        if group is None:
            raise VcpError("No unit group named %s" % name, code="NOT_FOUND", status=404)
        group.delete(wait_for=wait_for)

    # ── specs ──

    def get_spec(self, provider, flavor="small"):
        """The provider's spec for a flavor, with the base container's defaults: change its
        attributes, then pass it to create_unit. GET /api/v1/specs/{provider}/{flavor}"""
        answer = self._get("/api/v1/specs/%s/%s" % (urllib.parse.quote(provider, safe=""), urllib.parse.quote(flavor, safe="")))
        return VcpSpec.from_portal(answer["spec"])


class VcpUnitGroup(object):
    """A unit group (vcpsdk's VcpUnitGroupClass, a VC): ``id``, ``name``, ``state`` (read afresh),
    ``owner`` (its organization)."""

    def __init__(self, sdk, detail):
        self.vcp = sdk
        self.id = detail["id"]
        self.name = detail["name"]
        self.owner = detail.get("organizationId")
        self._detail = detail

    def __repr__(self):
        return "VcpUnitGroup(name=%r, id=%r)" % (self.name, self.id)

    @property
    def _path(self):
        return "/api/v1/unit-groups/" + urllib.parse.quote(self.id)

    def refresh(self):
        """Reads the unit group again, with its units and nodes. GET /api/v1/unit-groups/{id}"""
        self._detail = self.vcp._unit_group_detail(self.id)
        return self._detail

    @property
    def state(self):
        """RUNNING when idle, APPLYING while a build changes it, DELETING, ERROR."""
        return self.refresh()["state"]

    @property
    def vcid(self):
        return self.id

    def _units(self):
        return [u for u in self.refresh()["units"] if u["state"] != "DELETED"]

    def _node_rows(self, unit_name=None):
        detail = self._detail
        return [_node_row(detail, u, n) for u in detail["units"] if unit_name is None or u["name"] == unit_name for n in sorted(u["nodes"], key=lambda n: n["nodeNo"])]

    # ── units ──

    def create_unit(self, unit_name, spec, wait_for=True, privileged=False, verbose=None):
        """Adds a unit of ``spec.num_nodes`` nodes made from the spec and returns it; with wait_for
        (default) only once its build SUCCEEDED. On VcpTimeoutError the unit may still come up:
        ``vcp.wait_build(e.build_id)`` or ``ugroup.get_unit(unit_name)``.
        POST /api/v1/unit-groups/{id}/units"""
        body = {"name": unit_name, "spec": spec.to_portal() if isinstance(spec, VcpSpec) else dict(spec)}
        answer = self.vcp._post(self._path + "/units", body)
        try:
            self.vcp._finish(answer["buildId"], wait_for)
        except VcpError as e:
            e.unit_id, e.unit_name = answer.get("unitId"), unit_name
            raise
        unit = self.get_unit(unit_name)
        if unit is None:  # the build failed without raising (it cannot), or the unit went meanwhile
            raise VcpError("Unit %s is gone" % unit_name, code="NOT_FOUND", build_id=answer["buildId"])
        unit.build_id = answer["buildId"]
        return unit

    def wait_unit_applied(self, unit_name, timeout_sec=None):
        """After ``wait_for=False``: waits for the unit group's latest build (the one changing the
        unit) and returns the unit. GET /api/v1/unit-groups/{id}, GET /api/v1/builds/{id}"""
        build_id = self.refresh().get("buildId")
        if build_id:
            self.vcp.wait_build(build_id, timeout_sec)
        return self.get_unit(unit_name)

    def get_unit(self, unit_name):
        """The unit of that name, or None. GET /api/v1/unit-groups/{id}"""
        for u in self._units():
            if u["name"] == unit_name:
                return VcpUnit(self, u)
        return None

    def find_units(self, unit_name=""):
        """The units (all, or the one of that name). GET /api/v1/unit-groups/{id}"""
        return [VcpUnit(self, u) for u in self._units() if not unit_name or u["name"] == unit_name]

    def delete_units(self, unit_name, wait_for=True, force=False, privileged=False):
        """Deletes the unit of that name with its nodes. ``force`` is accepted for vcpsdk's sake:
        the portal always deletes the nodes. DELETE /api/v1/units/{id}"""
        unit = self.get_unit(unit_name)
        if unit is None:
            raise VcpError("No unit named %s in %s" % (unit_name, self.name), code="NOT_FOUND", status=404)
        return unit.delete(wait_for=wait_for)

    # ── nodes ──

    def find_nodes(self, unit_name=None, node_id=None, node_state=None, node_no=None, ip_addresses=None, ip_address=None, cloud_instance_id=None, mapper=None):
        """The nodes matching every filter given (a node number only means something with
        unit_name). ``mapper``: a function applied to each node. GET /api/v1/unit-groups/{id}"""
        nodes = [VcpNode(n, u["name"], u["state"]) for u in self._units() if unit_name is None or u["name"] == unit_name for n in sorted(u["nodes"], key=lambda n: n["nodeNo"])]
        found = _select_nodes(nodes, node_id, node_state, node_no, ip_addresses, ip_address, cloud_instance_id)
        return [mapper(n) for n in found] if mapper else found

    def find_ip_addresses(self, node_state=None, unit_name=None, **filters):
        """The nodes' IP addresses (cloud_instance_address), by unit and node number; usually with
        node_state='RUNNING'. GET /api/v1/unit-groups/{id}/ip-addresses?nodeState=…&unit=…
        (other find_nodes filters: from GET /api/v1/unit-groups/{id})"""
        if any(v is not None for v in filters.values()):
            return [n.cloud_instance_address for n in self.find_nodes(unit_name=unit_name, node_state=node_state, **filters) if n.cloud_instance_address]
        return self.vcp._get(self._path + "/ip-addresses", {"nodeState": node_state, "unit": unit_name})["ipAddresses"]

    def df_units(self):
        """The units as a table (pandas DataFrame, or a list of dicts): vcid, vcname, vc_state,
        unit_id, unit_name, unit_state, provider, flavor, num_nodes, cdate. GET /api/v1/unit-groups/{id}"""
        units = self._units()
        d = self._detail
        rows = [
            {
                "vcid": d["id"],
                "vcname": d["name"],
                "vc_state": d["state"],
                "unit_id": u["id"],
                "unit_name": u["name"],
                "unit_state": u["state"],
                "provider": u.get("provider"),
                "flavor": u.get("flavor"),
                "num_nodes": u.get("numNodes"),
                "cdate": u.get("createdAt"),
            }
            for u in units
        ]
        return _frame(rows, _UNIT_COLUMNS)

    def df_nodes(self):
        """The nodes as a table (a pandas DataFrame when pandas is installed, else a list of dicts),
        one row per node: vcid, vcname, unit_name, unit_state, node_no, node_id, node_state,
        cloud_instance_address, cloud_instance_id, cloud_instance_name, provider, flavor.
        GET /api/v1/unit-groups/{id}"""
        self.refresh()
        return _frame(self._node_rows(), _NODE_COLUMNS)

    def cleanup(self, wait_for=True, privileged=False):
        """Deletes every unit and node of the unit group, keeping the group itself; returns the
        build id. POST /api/v1/unit-groups/{id}/cleanup"""
        return self.vcp._finish(self.vcp._post(self._path + "/cleanup")["buildId"], wait_for)

    def delete(self, wait_for=True, timeout_sec=None):
        """Tears the unit group down (its units and nodes too); with wait_for, until it is gone.
        DELETE /api/v1/unit-groups/{id}, then GET /api/v1/unit-groups/{id} until 404"""
        self.vcp._delete(self._path)
        if not wait_for:
            return
        timeout = self.vcp.wait_timeout_sec if timeout_sec is None else timeout_sec
        deadline = time.time() + timeout
        while True:
            try:
                detail = self.refresh()
            except VcpError as e:
                if e.status == 404:
                    return
                raise
            if detail["state"] == "ERROR":
                raise VcpError("Deleting unit group %s failed: %s" % (self.name, detail.get("stateReason")), code="DELETE_FAILED", build_id=detail.get("buildId"))
            if time.time() >= deadline:
                raise VcpTimeoutError("Unit group %s is still %s after %d s" % (self.name, detail["state"], timeout), build_id=detail.get("buildId"), timeout_sec=timeout)
            time.sleep(self.vcp.poll_interval_sec)


class VcpUnit(object):
    """A unit (vcpsdk's VcpUnitClass): nodes of one spec. ``id``, ``name``, ``state`` (read afresh),
    ``unit_group``, ``build_id`` (of the last change made through this object)."""

    def __init__(self, ugroup, view):
        self.unit_group = ugroup
        self.vcp = ugroup.vcp
        self.id = view["id"]
        self.name = view["name"]
        self._view = view
        self.build_id = None

    def __repr__(self):
        return "VcpUnit(name=%r, id=%r)" % (self.name, self.id)

    @property
    def _path(self):
        return "/api/v1/units/" + urllib.parse.quote(self.id)

    def refresh(self):
        """Reads the unit again (through its unit group). GET /api/v1/unit-groups/{id}"""
        for u in self.unit_group._units():
            if u["id"] == self.id:
                self._view = u
                return u
        raise VcpError("Unit %s is gone" % self.name, code="NOT_FOUND", status=404)

    @property
    def state(self):
        """BOOTING, RUNNING, DELETING, ERROR."""
        return self.refresh()["state"]

    @property
    def spec(self):
        """The unit's spec values as the portal shows them (numNodes, image, …)."""
        return self.refresh()

    def _change(self, path, body, wait_for):
        self.build_id = self.vcp._post(self._path + path, body)["buildId"]
        return self.vcp._finish(self.build_id, wait_for)

    # ── nodes ──

    def add_nodes(self, num_add_nodes=1, ip_addresses=None, ip_address=None, mac_addresses=None, mac_address=None, wait_for=True):
        """Adds nodes with the unit's spec: ``num_add_nodes`` of them, or one at each fixed address
        (``ip_addresses``/``ip_address``; then the count is ignored). Returns the build id.
        POST /api/v1/units/{id}/nodes"""
        if mac_addresses or mac_address:
            raise VcpError("The portal does not place nodes by MAC address", code="UNSUPPORTED", fields={"mac_addresses": "not supported by the OCS Portal"})
        ips = _as_list(ip_addresses) + _as_list(ip_address)
        return self._change("/nodes", {"ipAddresses": ips} if ips else {"count": int(num_add_nodes)}, wait_for)

    def delete_nodes(self, num_delete_nodes=None, node_no=None, cloud_instance_id=None, ip_addresses=None, ip_address=None, wait_for=True):
        """Deletes nodes chosen by at most one selector: a count (the portal picks, highest numbers
        first), node number(s), cloud instance id(s) or IP address(es); none: one node. Returns the
        build id. POST /api/v1/units/{id}/nodes/delete"""
        ips = _as_list(ip_addresses) + _as_list(ip_address)
        chosen = [
            body
            for body in (
                {"count": num_delete_nodes} if num_delete_nodes is not None else None,
                {"nodeNos": [int(n) for n in _as_list(node_no)]} if node_no is not None else None,
                {"resourceIds": _as_list(cloud_instance_id)} if cloud_instance_id is not None else None,
                {"ipAddresses": ips} if ips else None,
            )
            if body is not None
        ]
        if len(chosen) > 1:
            raise VcpError("Choose nodes one way: num_delete_nodes, node_no, cloud_instance_id or ip_address(es)", code="INVALID_INPUT", fields={"selector": "give at most one"})
        return self._change("/nodes/delete", chosen[0] if chosen else {"count": 1}, wait_for)

    def _power(self, action, count, node_no, cloud_instance_id, ip_addresses, ip_address, wait_for):
        ips = _as_list(ip_addresses) + _as_list(ip_address)
        given = [x for x in (count, node_no, cloud_instance_id, ips or None) if x is not None]
        if len(given) > 1:
            raise VcpError("Choose nodes one way: a count, node_no, cloud_instance_id or ip_address(es)", code="INVALID_INPUT", fields={"selector": "give at most one"})
        body = {"action": action}
        if node_no is not None:
            body["nodeNos"] = [int(n) for n in _as_list(node_no)]
        elif ips:
            body["ipAddresses"] = ips
        elif cloud_instance_id is not None or count is not None:
            # The portal names nodes by number or address: cloud ids and counts are resolved here.
            nodes = self.find_nodes()
            if cloud_instance_id is not None:
                wanted = _as_list(cloud_instance_id)
                picked = [n for n in nodes if n.cloud_instance_id in wanted]
                missing = [w for w in wanted if w not in [n.cloud_instance_id for n in picked]]
                if missing:
                    raise VcpError("No node of unit %s has %s" % (self.name, ", ".join(missing)), code="INVALID_INPUT", fields={"cloud_instance_id": "no such node"})
            else:
                movable = [n for n in nodes if n.state in _POWER_FROM[action]]
                if int(count) > len(movable):
                    raise VcpError("Unit %s has %d node(s) to power %s" % (self.name, len(movable), action), code="INVALID_INPUT", fields={"count": "only %d node(s) can be powered %s" % (len(movable), action)})
                picked = sorted(movable, key=lambda n: -n.no)[: int(count)]
            body["nodeNos"] = [n.no for n in picked]
            if not body["nodeNos"]:
                return None
        return self._change("/power", body, wait_for)

    def power_off_nodes(self, num_power_off_nodes=None, node_no=None, cloud_instance_id=None, ip_addresses=None, ip_address=None, wait_for=True):
        """Powers nodes off (node_state POWER_OFF), chosen like delete_nodes; none chosen: every
        node of the unit. Returns the build id. POST /api/v1/units/{id}/power {action: off}"""
        return self._power("off", num_power_off_nodes, node_no, cloud_instance_id, ip_addresses, ip_address, wait_for)

    def power_on_nodes(self, num_power_on_nodes=None, node_no=None, cloud_instance_id=None, ip_addresses=None, ip_address=None, wait_for=True):
        """Powers nodes on again, chosen like delete_nodes; none chosen: every node of the unit.
        Returns the build id. POST /api/v1/units/{id}/power {action: on}"""
        return self._power("on", num_power_on_nodes, node_no, cloud_instance_id, ip_addresses, ip_address, wait_for)

    def find_nodes(self, node_id=None, node_state=None, node_no=None, ip_addresses=None, ip_address=None, cloud_instance_id=None, mapper=None):
        """The unit's nodes matching every filter given. GET /api/v1/unit-groups/{id}"""
        return self.unit_group.find_nodes(self.name, node_id, node_state, node_no, ip_addresses, ip_address, cloud_instance_id, mapper)

    def find_ip_addresses(self, node_state=None, **filters):
        """The unit's nodes' IP addresses. GET /api/v1/unit-groups/{id}/ip-addresses?unit=…"""
        return self.unit_group.find_ip_addresses(node_state=node_state, unit_name=self.name, **filters)

    def df_nodes(self):
        """The unit's nodes as a table (see VcpUnitGroup.df_nodes). GET /api/v1/unit-groups/{id}"""
        self.unit_group.refresh()
        return _frame(self.unit_group._node_rows(self.name), _NODE_COLUMNS)

    def delete(self, wait_for=True):
        """Deletes the unit with its nodes; returns the build id. DELETE /api/v1/units/{id}"""
        self.build_id = self.vcp._delete(self._path)["buildId"]
        return self.vcp._finish(self.build_id, wait_for)


# vcpsdk's class names
VcpUnitGroupClass = VcpUnitGroup
VcpUnitClass = VcpUnit
