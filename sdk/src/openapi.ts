// Made by `npm run sdk:types` from the portal's OpenAPI document: do not edit.
export interface paths {
    "/api/v1": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Where this API describes itself: its document, reference page and clients
         * @description Answers without a token and never changes while the portal runs: a script can check that it reaches the portal.
         *
         *     Who may call: Anyone, without signing in.
         */
        get: operations["getApiRoot"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/unit-groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Unit groups the caller may see, newest first
         * @description With `name`, the one of that name (get_ugroup): an empty list when there is none.
         *
         *     Who may call: Anyone signed in, or with an API token.
         */
        get: operations["listUnitGroups"];
        put?: never;
        /**
         * Make an empty unit group (create_ugroup), to add units to from specs
         * @description Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["createUnitGroup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/unit-groups/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A unit group with its units, nodes and applications
         * @description Who may call: Members of the organization whose role grants "read" (readonly tokens only read).
         */
        get: operations["getUnitGroup"];
        put?: never;
        post?: never;
        /**
         * Tear the unit group down: it goes DELETING, then disappears
         * @description Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        delete: operations["deleteUnitGroup"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/unit-groups/{id}/power": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Power every node of the unit group off or on, as a build
         * @description Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["powerUnitGroup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/unit-groups/{id}/units": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add a unit of nodes made from a spec (create_unit); watch its build
         * @description Start from GET /api/v1/specs/{provider}/{flavor} and override what you need. The nodes run the spec's image (on `local`, its localCommand) and are RUNNING once each answers at its port.
         *
         *     Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["createUnit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/unit-groups/{id}/ip-addresses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The addresses of the unit group's nodes (find_ip_addresses), by unit and node number
         * @description Who may call: Members of the organization whose role grants "read" (readonly tokens only read).
         */
        get: operations["findIpAddresses"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/unit-groups/{id}/cleanup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Delete every unit and node of the unit group (cleanup), keeping the group itself
         * @description Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["cleanupUnitGroup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/specs/{provider}/{flavor}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A provider's spec for a flavor (get_spec), with the base container's defaults
         * @description Who may call: Anyone signed in, or with an API token.
         */
        get: operations["getSpec"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/nodes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Nodes of every unit group the caller may see (df_nodes), newest first
         * @description Who may call: Anyone signed in, or with an API token.
         */
        get: operations["listNodes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/units/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete the unit and its nodes (delete_units), as a build; its name is free again
         * @description Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        delete: operations["deleteUnit"];
        options?: never;
        head?: never;
        /**
         * Change the unit's node count, as a scale build
         * @description When the unit follows an active class schedule, a request without `pauseSchedule` is refused with a 409 naming that field: send true to pause the schedule and make the change, false to make it once (the schedule applies its own target at its next change).
         *
         *     Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        patch: operations["scaleUnit"];
        trace?: never;
    };
    "/api/v1/units/{id}/burst": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set where the unit's nodes go once the lab's servers are full (its cloud-burst policy), replacing any
         * @description Without `accountId`, the organization's default account of the provider. With `queue`, the unit's size follows its unit group's work queue (Slurm): nodes are added for jobs pending `pendingSeconds`, overflow nodes idle `idleSeconds` are removed.
         *
         *     Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        put: operations["setUnitBurst"];
        post?: never;
        /**
         * No more overflow: nodes already on the cloud stay until the unit shrinks
         * @description Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        delete: operations["removeUnitBurst"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/units/{id}/nodes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The unit's nodes by number, a page at a time: a unit group's read carries only the first page of each unit's
         * @description Start from the unit's `nodesNextCursor` in GET /api/v1/unit-groups/{id}, or from no cursor for the first page.
         *
         *     Who may call: Members of the organization whose role grants "read" (readonly tokens only read).
         */
        get: operations["listUnitNodes"];
        put?: never;
        /**
         * Add nodes (add_nodes): a count, or one at each fixed address, as a scale build
         * @description When the unit follows an active class schedule, a request without `pauseSchedule` is refused with a 409 naming that field: send true to pause the schedule and make the change, false to make it once (the schedule applies its own target at its next change).
         *
         *     Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["addNodes"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/units/{id}/nodes/delete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Delete nodes (delete_nodes) chosen by one of nodeNos, ipAddresses, resourceIds or count, as a scale build
         * @description With `?dryRun=true`: a 200 naming exactly the nodes that would go (buildId null), for a confirmation; nothing changes. When the unit follows an active class schedule, a request without `pauseSchedule` is refused with a 409 naming that field: send true to pause the schedule and make the change, false to make it once (the schedule applies its own target at its next change).
         *
         *     Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["deleteNodes"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/units/{id}/power": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Power the unit's nodes off or on, as a build with its log
         * @description When the unit follows an active class schedule, a request without `pauseSchedule` is refused with a 409 naming that field: send true to pause the schedule and make the change, false to make it once (the schedule applies its own target at its next change).
         *
         *     Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["powerUnit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/units/{id}/schedule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The unit's class schedule (null when none), what it asks of the unit now and next, and the holidays in its term
         * @description Who may call: Members of the organization whose role grants "read" (readonly tokens only read).
         */
        get: operations["getUnitSchedule"];
        /**
         * Set the unit's class schedule, replacing any
         * @description Weekly periods over a term, with exceptions (days without class, make-up days); each node count must fit the organization's quota. It acts for whoever saved it last; a paused one stays paused.
         *
         *     Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        put: operations["setUnitSchedule"];
        post?: never;
        /**
         * Remove the unit's class schedule: the unit stays as it is
         * @description Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        delete: operations["removeUnitSchedule"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/units/{id}/schedule/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause the unit's class schedule: it changes nothing until resumed
         * @description Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["pauseUnitSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/units/{id}/schedule/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume the unit's class schedule: its next round makes the unit what the timetable says now
         * @description Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["resumeUnitSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/nodes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A node: where it is, how to log in over SSH, what it runs, and whether the caller may open a terminal
         * @description Who may call: Members of the organization whose role grants "read" (readonly tokens only read).
         */
        get: operations["getNode"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/nodes/{id}/power": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Power the node off or on, by a job
         * @description When its unit follows an active class schedule, a request without `pauseSchedule` is refused with a 409 naming that field: send true to pause the schedule and power the node, false to do it once (the schedule applies its own target at its next change).
         *
         *     Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["powerNode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/nodes/{id}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open a browser session with the node: a terminal, or an application's log
         * @description Answers a one-time ticket: open the WebSocket at `webSocketPath` within a minute. A terminal is for members whose role grants "terminal" (owners and admins), never on the portal's own machine; a log for anyone who may read the organization. The node's agent must be running.
         *
         *     Who may call: Members of the organization whose role grants "read" (readonly tokens only read).
         */
        post: operations["openNodeSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/builds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Builds the caller may see, newest first
         * @description Who may call: Anyone signed in, or with an API token.
         */
        get: operations["listBuilds"];
        put?: never;
        /**
         * Submit a build of a template: a new unit group
         * @description Plans the build as POST /api/v1/builds/plan does, records the unit group, its units and nodes against the quota, and queues the build: it answers at once, and the build carries on (watch it at GET /api/v1/builds/{id}). A member of several organizations names the one with organizationId.
         *
         *     Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["submitBuild"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/builds/plan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * What a build would create, its quota use and hourly cost (nothing is created)
         * @description Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["planBuild"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/builds/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A build with its steps and log lines
         * @description Pass the id of the last log line seen as afterLogId to get only newer lines. A secret output's values come once, in the first answer to the build's creator after the build has them.
         *
         *     Who may call: Members of the organization whose role grants "read" (readonly tokens only read).
         */
        get: operations["getBuild"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/builds/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stop a queued or running build
         * @description mode keep leaves what the build made (its unit group shows ERROR); teardown (a create build only) deletes the unit group.
         *
         *     Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["cancelBuild"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/builds/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a FAILED build again from its failed step
         * @description Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["retryBuild"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The catalog: shared templates and the caller's organizations' own, newest first
         * @description Each template once, with its newest version.
         *
         *     Who may call: Anyone signed in, or with an API token.
         */
        get: operations["listTemplates"];
        put?: never;
        /**
         * A new template in the shared catalog, from its YAML
         * @description Its slug may be used by no template yet. A 400 lists the problems of the YAML in details.errors, each with its line, column, path and message.
         *
         *     Who may call: NII staff only.
         */
        post: operations["publishTemplate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/templates/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A template's newest version (its definition and README) and every version
         * @description With `rights`: what the caller may do with it.
         *
         *     Who may call: Anyone signed in, or with an API token.
         */
        get: operations["getTemplate"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/templates/{slug}/source": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The newest version as YAML text, for the editor
         * @description Who may call: Anyone signed in, or with an API token.
         */
        get: operations["getTemplateSource"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/templates/{slug}/copy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * An organization's own copy of a template, under a new slug
         * @description The copy starts at version 0.1.0 and still runs the original's local programs. A member of several organizations names the one with organizationId.
         *
         *     Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["copyTemplate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/templates/{slug}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new version of a template from its edited YAML
         * @description The YAML keeps the template's slug and carries a version greater than the newest. An organization's own template: its builders; a shared one: NII staff. A 400 lists the problems of the YAML in details.errors, each with its line, column, path and message.
         *
         *     Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["createTemplateVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every provider with its flavors (as get_spec / df_flavors), and whether builds can use it yet
         * @description Who may call: Anyone signed in, or with an API token.
         */
        get: operations["listProviders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus text for the live nodes of an organization, for its own Prometheus to scrape with an API token
         * @description The organization is the token's own, else `organization`, else the caller's only one. Counters stay counters (CPU seconds, network bytes); each node's latest snapshot is served as its agent sent it.
         *
         *     Who may call: Members of the organization whose role grants "read" (readonly tokens only read).
         */
        get: operations["getPrometheusMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/unit-groups/{id}/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A unit group's metrics per node and per application over a range, in about a hundred buckets
         * @description The last day comes from raw samples; longer ranges from hourly rollups.
         *
         *     Who may call: Members of the organization whose role grants "read" (readonly tokens only read).
         */
        get: operations["getUnitGroupMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/expiry-extensions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every organization's extension requests in one state, newest first
         * @description NII staff's queue (in the browser): pending requests unless `state` says otherwise, of unit groups not deleted.
         *
         *     Who may call: NII staff only.
         */
        get: operations["listExpiryExtensions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/expiry-extensions/{id}/decision": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve or reject a pending extension request
         * @description Approving moves the end date as asked (ending an expiry's grace period); rejecting leaves it and needs a note. The requester is told by e-mail.
         *
         *     Who may call: NII staff only.
         */
        post: operations["decideExpiryExtension"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/unit-groups/{id}/expiry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set the unit group's end date, move it earlier, or remove it
         * @description The first end date or an earlier one is the builders' own choice. A later one is an extension request (its reason required): approved at once within the organization's policy, else pending for NII staff. Only NII staff remove a date once set.
         *
         *     Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        put: operations["setUnitGroupExpiry"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/unit-groups/{id}/extensions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The unit group's end date and its organization's policy, with its extension requests newest first
         * @description Who may call: Members of the organization whose role grants "read" (readonly tokens only read).
         */
        get: operations["getUnitGroupExpiry"];
        put?: never;
        /**
         * Ask for a later end date
         * @description Approved at once within the organization's policy (extensionAutoApproveDays after the current end), else pending for NII staff, who are told by e-mail. One request waits at a time.
         *
         *     Who may call: Members of the organization whose role grants "build" (readonly tokens only read).
         */
        post: operations["requestExpiryExtension"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/organizations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's organizations with their role, rights and quotas, newest first
         * @description NII staff in the browser see every organization; an API token sees its own.
         *
         *     Who may call: Anyone signed in, or with an API token.
         */
        get: operations["listOrganizations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/organizations/direct": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Portable edition: create your institution's first organization, as its owner
         * @description Only in the portable edition, where an institution runs the portal itself (the service edition answers 404: apply for the service instead). An institution that already has its organization answers 409, naming whom to ask to be added.
         *
         *     Who may call: Anyone signed in, or with an API token.
         */
        post: operations["createOrganizationDirectly"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/organizations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Set the organization's expiry policy
         * @description How long an extension may be to be approved at once, and how many days an expired unit group is kept (powered off) before it is deleted. Only the organization's owners, with full rights, may (a readonly token or another role: 403).
         *
         *     Who may call: Members of the organization whose role grants "read" (readonly tokens only read).
         */
        patch: operations["updateOrganization"];
        trace?: never;
    };
    "/api/v1/organizations/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The organization's members and their roles, newest first
         * @description Who may call: Members of the organization whose role grants "manageMembers" (readonly tokens only read).
         */
        get: operations["listMembers"];
        put?: never;
        /**
         * Add someone by e-mail
         * @description Someone who has never signed in is added too: their first sign-in with that address links them. Only an owner may make someone an owner.
         *
         *     Who may call: Members of the organization whose role grants "manageMembers" (readonly tokens only read).
         */
        post: operations["addMember"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/organizations/{id}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a member and revoke their API tokens here
         * @description Only an owner may remove an owner; the last owner stays (409).
         *
         *     Who may call: Members of the organization whose role grants "manageMembers" (readonly tokens only read).
         */
        delete: operations["removeMember"];
        options?: never;
        head?: never;
        /**
         * Change a member's role
         * @description Only an owner may change an owner or make someone an owner; the last owner stays one (409).
         *
         *     Who may call: Members of the organization whose role grants "manageMembers" (readonly tokens only read).
         */
        patch: operations["changeMemberRole"];
        trace?: never;
    };
    "/api/v1/organizations/{id}/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The organization's API tokens with status and last use, newest first
         * @description Never their secrets.
         *
         *     Who may call: Members of the organization whose role grants "manageTokens" (readonly tokens only read).
         */
        get: operations["listTokens"];
        put?: never;
        /**
         * Issue an API token that acts as a member
         * @description The secret is in this answer only (sent with Cache-Control: no-store); the portal keeps its hash. Only an owner may issue a token for an owner.
         *
         *     Who may call: Members of the organization whose role grants "manageTokens" (readonly tokens only read).
         */
        post: operations["issueToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API token at once
         * @description Revoking it again changes nothing.
         *
         *     Who may call: Members of the organization whose role grants "manageTokens" (readonly tokens only read).
         */
        delete: operations["revokeToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/organizations/{id}/ssh-public-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The key the portal signs in to the organization's servers with
         * @description Add it to ~/.ssh/authorized_keys of each server. The key pair is made on the first call; its private key never leaves the portal.
         *
         *     Who may call: Members of the organization whose role grants "read" (readonly tokens only read).
         */
        get: operations["getOrganizationSshPublicKey"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/organizations/{id}/hosts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The organization's servers (not removed ones), newest first, with their free capacity
         * @description Who may call: Members of the organization whose role grants "read" (readonly tokens only read).
         */
        get: operations["listHosts"];
        put?: never;
        /**
         * Register one of the organization's own servers
         * @description Nothing connects to it yet: add the organization's SSH public key to the server, then run its connection test (POST /api/v1/hosts/{id}/check).
         *
         *     Who may call: Members of the organization whose role grants "manageHosts" (readonly tokens only read).
         */
        post: operations["registerHost"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/hosts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One server
         * @description Who may call: Members of the organization whose role grants "read" (readonly tokens only read).
         */
        get: operations["getHost"];
        put?: never;
        post?: never;
        /**
         * Remove a server from the portal; its name is free again
         * @description Not while nodes run on it (409): delete their unit groups, or drain it and wait, first.
         *
         *     Who may call: Members of the organization whose role grants "manageHosts" (readonly tokens only read).
         */
        delete: operations["removeHost"];
        options?: never;
        head?: never;
        /**
         * Change any of the server's name, address, SSH port and user, pinned host key, capacity and agent folder
         * @description A field left out keeps its value; hostKeyFingerprint null unpins the key (the next contact pins the one the server shows then).
         *
         *     Who may call: Members of the organization whose role grants "manageHosts" (readonly tokens only read).
         */
        patch: operations["updateHost"];
        trace?: never;
    };
    "/api/v1/hosts/{id}/activate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * New nodes may be placed on the server again
         * @description Again: no change.
         *
         *     Who may call: Members of the organization whose role grants "manageHosts" (readonly tokens only read).
         */
        post: operations["activateHost"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/hosts/{id}/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Connection test (接続テスト): sign in to the server over SSH
         * @description The first contact pins the server's host key; a different key later makes the server unreachable until an admin updates or clears the pinned fingerprint. A failed test is an answer (check.ok false, with the reason), not an error.
         *
         *     Who may call: Members of the organization whose role grants "manageHosts" (readonly tokens only read).
         */
        post: operations["checkHost"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/hosts/{id}/drain": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * No new nodes are placed on the server; its nodes stay
         * @description Again: no change.
         *
         *     Who may call: Members of the organization whose role grants "manageHosts" (readonly tokens only read).
         */
        post: operations["drainHost"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/organizations/{id}/provider-accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The organization's cloud accounts, newest first
         * @description Never their credentials: only the hint that identifies them.
         *
         *     Who may call: Members of the organization whose role grants "read" (readonly tokens only read).
         */
        get: operations["listProviderAccounts"];
        put?: never;
        /**
         * Add a cloud account
         * @description The credentials are sealed at once and never answered again. The first account of its provider in the organization becomes the default.
         *
         *     Who may call: Members of the organization whose role grants "manageAccounts" (readonly tokens only read).
         */
        post: operations["addProviderAccount"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/provider-accounts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One cloud account
         * @description Never its credentials.
         *
         *     Who may call: Members of the organization whose role grants "read" (readonly tokens only read).
         */
        get: operations["getProviderAccount"];
        put?: never;
        post?: never;
        /**
         * Remove the account; its credentials are erased
         * @description Not while a node lives in it or a burst policy sends nodes there (409).
         *
         *     Who may call: Members of the organization whose role grants "manageAccounts" (readonly tokens only read).
         */
        delete: operations["removeProviderAccount"];
        options?: never;
        head?: never;
        /**
         * Change any of the account's name, region, network and default flag
         * @description Credentials are replaced, never edited: PUT /api/v1/provider-accounts/{id}/credentials.
         *
         *     Who may call: Members of the organization whose role grants "manageAccounts" (readonly tokens only read).
         */
        patch: operations["updateProviderAccount"];
        trace?: never;
    };
    "/api/v1/provider-accounts/{id}/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Replace the account's credentials as a whole
         * @description Its last connection test no longer holds. The credentials are never answered.
         *
         *     Who may call: Members of the organization whose role grants "manageAccounts" (readonly tokens only read).
         */
        put: operations["replaceProviderCredentials"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/provider-accounts/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Connection test (接続テスト): sign in and find the account's network
         * @description Reads only. A failed test is an answer (test.ok false, with the provider's code and advice), not an error; a provider without a driver yet answers 409.
         *
         *     Who may call: Members of the organization whose role grants "manageAccounts" (readonly tokens only read).
         */
        post: operations["testProviderAccount"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/leaks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Cloud machines the leak sweeper found that no node accounts for, newest first
         * @description In the organizations the caller may read (NII staff in the browser: all). Ended leaks stay listed for 30 days.
         *
         *     Who may call: Anyone signed in, or with an API token.
         */
        get: operations["listLeaks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/organizations/{id}/leaks/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sweep the organization's cloud accounts for leaks now
         * @description Under the same grace period and dry-run setting as the scheduled sweep.
         *
         *     Who may call: Members of the organization whose role grants "manageAccounts" (readonly tokens only read).
         */
        post: operations["checkLeaks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/ssh-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's SSH public keys (a token's: its member's), newest first
         * @description Who may call: Anyone signed in, or with an API token.
         */
        get: operations["listSshKeys"];
        put?: never;
        /**
         * Add an SSH public key: installed on the nodes the caller may log in to
         * @description Without `name`, the comment of the pasted line. An API token may list its member's keys but never add or delete one (a 403): a key logs its member in beyond the token's organization.
         *
         *     Who may call: Anyone signed in, or with an API token.
         */
        post: operations["addSshKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/ssh-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete one of the caller's SSH keys: removed from the nodes
         * @description An API token may list its member's keys but never add or delete one (a 403): a key logs its member in beyond the token's organization.
         *
         *     Who may call: Anyone signed in, or with an API token.
         */
        delete: operations["deleteSshKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/service-applications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Applications the caller may see, newest first
         * @description NII staff (in the browser) see every application, anyone else their own. `state=submitted` is staff's review queue.
         *
         *     Who may call: Anyone signed in, or with an API token.
         */
        get: operations["listServiceApplications"];
        put?: never;
        /**
         * A new draft application, for the caller's own institution
         * @description The institution is the one of the caller's e-mail domain; the contact address must be within it. Submit it with POST /api/v1/service-applications/{id}/submit.
         *
         *     Who may call: Anyone signed in, or with an API token.
         */
        post: operations["createServiceApplication"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/service-applications/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The application with its comment thread
         * @description For its applicant and NII staff; anyone else is told it does not exist.
         *
         *     Who may call: Anyone signed in, or with an API token.
         */
        get: operations["getServiceApplication"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Edit fields of a draft, or of an application returned for changes
         * @description The applicant only; any subset of the fields.
         *
         *     Who may call: Anyone signed in, or with an API token.
         */
        patch: operations["updateServiceApplication"];
        trace?: never;
    };
    "/api/v1/service-applications/{id}/comments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add to the thread between applicant and NII staff
         * @description The other side is told by e-mail. Approved and rejected applications take no more comments.
         *
         *     Who may call: Anyone signed in, or with an API token.
         */
        post: operations["commentOnServiceApplication"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/service-applications/{id}/decision": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve, reject or return a submitted application for changes
         * @description Approving makes its organization active with the given quotas (maxNodes defaults to the expected nodes) and the applicant as owner. The reason is required and goes to the applicant by e-mail. NII staff in the browser only, never an API token.
         *
         *     Who may call: NII staff only.
         */
        post: operations["decideServiceApplication"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/service-applications/{id}/submit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send the application to NII staff for review
         * @description The applicant only, for a draft or an application returned for changes; staff and the applicant are told by e-mail.
         *
         *     Who may call: Anyone signed in, or with an API token.
         */
        post: operations["submitServiceApplication"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/organizations/{id}/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The organization's webhooks with their state, newest first (never their secrets)
         * @description Who may call: Members of the organization whose role grants "manageTokens" (readonly tokens only read).
         */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Register a URL for the organization's events
         * @description Answers the signing secret this once only. `events` empty or left out: every event.
         *
         *     Who may call: Members of the organization whose role grants "manageTokens" (readonly tokens only read).
         */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One webhook
         * @description Who may call: Members of the organization whose role grants "manageTokens" (readonly tokens only read).
         */
        get: operations["getWebhook"];
        put?: never;
        post?: never;
        /**
         * Remove the webhook and its deliveries
         * @description Who may call: Members of the organization whose role grants "manageTokens" (readonly tokens only read).
         */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        /**
         * Change its URL, events, description or whether it is enabled
         * @description Enabling a disabled webhook clears why it was disabled; disabling drops the deliveries waiting to be sent.
         *
         *     Who may call: Members of the organization whose role grants "manageTokens" (readonly tokens only read).
         */
        patch: operations["updateWebhook"];
        trace?: never;
    };
    "/api/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The webhook's deliveries with the receiver's answers, newest first
         * @description Who may call: Members of the organization whose role grants "manageTokens" (readonly tokens only read).
         */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a `ping` now, once, and answer how it went
         * @description No retries; also to a disabled webhook, whatever events it wants.
         *
         *     Who may call: Members of the organization whose role grants "manageTokens" (readonly tokens only read).
         */
        post: operations["testWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Audit log entries, newest first, filtered
         * @description Owners read their organizations' entries, NII staff (in the browser) every entry. `format=csv` answers every matching entry at once as a CSV download (text/csv, UTF-8 with a byte order mark; columns at, actor, organization, action, target type, target id, ip, outcome, details) instead of a page.
         *
         *     Who may call: Members of the organization whose role grants "readAudit" (readonly tokens only read).
         */
        get: operations["listAuditEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ApiRoot: {
            /** @constant */
            api: "v1";
            /** @description This API's OpenAPI 3.1 document. */
            openapi: string;
            /** @description The rendered reference page. */
            reference: string;
            /** @description The Python client with the VCP SDK's names (one module, standard library only). */
            pythonClient: string;
        };
        UnitGroupSummary: {
            /** Format: uuid */
            id: string;
            name: string;
            /** Format: uuid */
            organizationId: string;
            organizationName: string;
            /** @enum {string} */
            state: "APPLYING" | "RUNNING" | "DELETING" | "ERROR" | "DELETED";
            stateReason: string | null;
            /** @description Live nodes. */
            nodeCount: number;
            /** @description Nodes RUNNING. */
            runningCount: number;
            expiresAt: string | null;
            /** Format: date-time */
            createdAt: string;
        };
        UnitGroup: {
            /** Format: uuid */
            id: string;
            name: string;
            /** Format: uuid */
            organizationId: string;
            /** @enum {string} */
            state: "APPLYING" | "RUNNING" | "DELETING" | "ERROR" | "DELETED";
            stateReason: string | null;
            expiresAt: string | null;
            expiredAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description Its latest build. */
            buildId: string | null;
            /** @description Its template runs a work queue (Slurm) that can drive a unit's size. */
            workQueue: boolean;
            units: components["schemas"]["Unit"][];
        };
        Unit: {
            /** Format: uuid */
            id: string;
            name: string;
            role: string;
            /** @enum {string} */
            state: "BOOTING" | "RUNNING" | "DELETING" | "ERROR" | "DELETED";
            provider: string;
            flavor: string;
            numNodes: number;
            image: string;
            instanceType: string | null;
            volumeSize: number | null;
            providerAccountId: string | null;
            ipAddresses: string[];
            tags: {
                [key: string]: string;
            };
            burst: components["schemas"]["BurstPolicy"] | null;
            /** Format: date-time */
            createdAt: string;
            /** @description Its nodes (not deleted). */
            nodeCount: number;
            /** @description Its first 50 nodes by number: the rest come from GET /api/v1/units/{id}/nodes. */
            nodes: components["schemas"]["Node"][];
            /** @description The cursor of GET /api/v1/units/{id}/nodes for the nodes after these; null when these are all. */
            nodesNextCursor: string | null;
        };
        BurstPolicy: {
            provider: string;
            providerAccountId: string | null;
            flavor: string;
            maxNodes: number;
            queue?: {
                pendingSeconds: number;
                idleSeconds: number;
            };
        };
        Node: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            unitId: string;
            /** @description The node's number in its unit (node_no). */
            nodeNo: number;
            /** @description The machine's name at its provider (cloud_instance_name). */
            name: string;
            /** @enum {string} */
            state: "BOOTING" | "RUNNING" | "SUSPENDING" | "SUSPENDED" | "RESUMING" | "SHUTTING_DOWN" | "POWER_OFF" | "STOPPING" | "STOPPED" | "CONTAINER_ERROR" | "HOST_ERROR" | "DELETING" | "DELETED";
            stateReason: string | null;
            provider: string;
            flavor: string;
            /** @description cloud_instance_address. */
            ipAddress: string | null;
            /** @description The machine's id at its provider. */
            cloudInstanceId: string | null;
            startedAt: string | null;
            lastHeartbeatAt: string | null;
            agentVersion: string | null;
            /** Format: date-time */
            createdAt: string;
            applications: components["schemas"]["Application"][];
            /** @description Its place on the unit group's private network; null on local. */
            privateNetwork: components["schemas"]["PrivateNetwork"] | null;
        };
        Application: {
            /** Format: uuid */
            id: string;
            name: string;
            image: string;
            port: number | null;
            /** @description Where it answers, when it listens on a port. */
            url: string | null;
            /** @enum {string} */
            state: "STARTING" | "RUNNING" | "ERROR" | "STOPPED";
            stateReason: string | null;
        };
        PrivateNetwork: {
            address: string;
            /** @enum {string} */
            state: "pending" | "up" | "error";
            problem: string | null;
            peers: {
                direct: number;
                relay: number;
                none: number;
            };
        };
        Operation: {
            /**
             * Format: uuid
             * @description The build carrying the change out: watch it at GET /api/v1/builds/{id}.
             */
            buildId: string;
        };
        Spec: {
            provider: string;
            flavor: string;
            numNodes: number;
            image: string;
            instanceType: string | null;
            volumeSize: number | null;
            ipAddresses: string[];
            tags: {
                [key: string]: string;
            };
            port: number;
            healthPath: string;
            environment: string[];
            localCommand: string[];
        };
        NodeListItem: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            organizationId: string;
            /** Format: uuid */
            unitGroupId: string;
            /** @description vcname. */
            unitGroupName: string;
            /** Format: uuid */
            unitId: string;
            /** @description unit_name. */
            unitName: string;
            /** @description node_no. */
            nodeNo: number;
            /** @description cloud_instance_name. */
            name: string;
            /**
             * @description node_state.
             * @enum {string}
             */
            state: "BOOTING" | "RUNNING" | "SUSPENDING" | "SUSPENDED" | "RESUMING" | "SHUTTING_DOWN" | "POWER_OFF" | "STOPPING" | "STOPPED" | "CONTAINER_ERROR" | "HOST_ERROR" | "DELETING" | "DELETED";
            provider: string;
            flavor: string;
            /** @description cloud_instance_address. */
            ipAddress: string | null;
            /** @description cloud_instance_id. */
            cloudInstanceId: string | null;
            /** Format: date-time */
            createdAt: string;
        };
        NodeDeletion: {
            nodes: components["schemas"]["SelectedNode"][];
            /** @description The scale build deleting them: watch it at GET /api/v1/builds/{id}; null for a dry run. */
            buildId: string | null;
        };
        SelectedNode: {
            /** Format: uuid */
            id: string;
            /** @description The node's number in its unit. */
            nodeNo: number;
            ipAddress: string | null;
            provider: string;
            /** @enum {string} */
            state: "BOOTING" | "RUNNING" | "SUSPENDING" | "SUSPENDED" | "RESUMING" | "SHUTTING_DOWN" | "POWER_OFF" | "STOPPING" | "STOPPED" | "CONTAINER_ERROR" | "HOST_ERROR" | "DELETING" | "DELETED";
        };
        UnitSchedule: {
            /** @description null: the unit has no class schedule. */
            schedule: components["schemas"]["ClassSchedule"] | null;
            /** @description What the schedule asks of the unit now. */
            target: components["schemas"]["ScheduleTarget"] | null;
            /** @description Its next change. */
            next: {
                /** Format: date-time */
                at: string;
                target: components["schemas"]["ScheduleTarget"];
            } | null;
            /** @description National holidays in the term. */
            holidays: components["schemas"]["NationalHoliday"][];
            /** @description Whether the unit's nodes can be powered off between classes (else only "delete"). */
            canPowerOff: boolean;
        };
        ClassSchedule: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            unitId: string;
            /** @description IANA time zone of the periods. */
            timezone: string;
            /** @description First day of the term ("YYYY-MM-DD"). */
            startsOn: string;
            /** @description Last day of the term ("YYYY-MM-DD"). */
            endsOn: string;
            periods: components["schemas"]["SchedulePeriod"][];
            exceptions: components["schemas"]["ScheduleException"][];
            /** @description No classes on Japanese national holidays. */
            skipHolidays: boolean;
            /**
             * @description What the nodes beyond nodesOutsideClass do between classes.
             * @enum {string}
             */
            outsideClass: "powerOff" | "delete";
            nodesOutsideClass: number;
            /** @description Nodes start this long before a period. */
            warmUpMinutes: number;
            /** @description Nodes stay this long after a period. */
            drainMinutes: number;
            /** @description A paused schedule changes nothing until resumed. */
            pausedAt: string | null;
            /** @description The member who paused it. */
            pausedBy: string | null;
            pausedByName: string | null;
            lastAppliedAt: string | null;
            /** @description Why its last change could not be made. */
            lastError: string | null;
            /**
             * Format: uuid
             * @description The member who saved it last; the schedule acts for them.
             */
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        SchedulePeriod: {
            /** @description "HH:MM" in the schedule's time zone. */
            start: string;
            /** @description "HH:MM" in the schedule's time zone. */
            end: string;
            /** @description Nodes the unit runs during the period. */
            nodes: number;
            /** @description ISO weekday: 1 = Monday … 7 = Sunday. */
            weekday: number;
        };
        /** @description A date without classes, or a day with its own periods (a make-up class). */
        ScheduleException: {
            /** @description "YYYY-MM-DD" */
            date: string;
            /** @constant */
            kind: "noClass";
            note?: string;
        } | {
            /** @description "YYYY-MM-DD" */
            date: string;
            /** @constant */
            kind: "extra";
            periods: {
                /** @description "HH:MM" in the schedule's time zone. */
                start: string;
                /** @description "HH:MM" in the schedule's time zone. */
                end: string;
                /** @description Nodes the unit runs during the period. */
                nodes: number;
            }[];
            note?: string;
        };
        ScheduleTarget: {
            /** @description Nodes the unit should have; null when it keeps those it has (outside class, with powerOff). */
            nodes: number | null;
            /** @description How many of them (the lowest-numbered) are on. */
            running: number;
            /** @description The period served ("2026-11-24 09:00–10:30"), or null outside class. */
            period: string | null;
        };
        NationalHoliday: {
            date: string;
            name: string;
            nameEn: string;
        };
        NodeDetail: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            unitId: string;
            /** @description The node's number in its unit (node_no). */
            nodeNo: number;
            /** @description The machine's name at its provider (cloud_instance_name). */
            name: string;
            /** @enum {string} */
            state: "BOOTING" | "RUNNING" | "SUSPENDING" | "SUSPENDED" | "RESUMING" | "SHUTTING_DOWN" | "POWER_OFF" | "STOPPING" | "STOPPED" | "CONTAINER_ERROR" | "HOST_ERROR" | "DELETING" | "DELETED";
            stateReason: string | null;
            provider: string;
            flavor: string;
            /** @description cloud_instance_address. */
            ipAddress: string | null;
            /** @description The machine's id at its provider. */
            cloudInstanceId: string | null;
            startedAt: string | null;
            lastHeartbeatAt: string | null;
            agentVersion: string | null;
            /** Format: date-time */
            createdAt: string;
            applications: components["schemas"]["Application"][];
            /** @description Its place on the unit group's private network; null on local. */
            privateNetwork: components["schemas"]["PrivateNetwork"] | null;
            unit: {
                /** Format: uuid */
                id: string;
                name: string;
            };
            unitGroup: {
                /** Format: uuid */
                id: string;
                name: string;
                /** Format: uuid */
                organizationId: string;
            };
            /** @description null until its agent reports one, and on the portal's own machine. */
            login: components["schemas"]["NodeLogin"] | null;
            /** @description The node runs on the portal's own machine (`local`): no SSH keys, no terminal there. */
            onPortalMachine: boolean;
            /** @description The caller may open a terminal on it (owners and admins, not on the portal's machine). */
            mayOpenTerminal: boolean;
        };
        NodeLogin: {
            /** @description The account whose authorized_keys the agent keeps. */
            user: string;
            /** @description Compare them on the first connection. */
            hostKeys: {
                type: string;
                /** @description SHA256:…, as `ssh-keygen -l` prints it. */
                fingerprint: string;
            }[];
            /** @description Members' keys the agent has installed. */
            keysInstalled: number;
            /** @description Why the keys could not be installed, or the host keys not read. */
            problem?: string;
        };
        NodePowerChange: {
            /** Format: uuid */
            nodeId: string;
            /**
             * @description SHUTTING_DOWN or BOOTING: the job is under way.
             * @enum {string}
             */
            state: "BOOTING" | "RUNNING" | "SUSPENDING" | "SUSPENDED" | "RESUMING" | "SHUTTING_DOWN" | "POWER_OFF" | "STOPPING" | "STOPPED" | "CONTAINER_ERROR" | "HOST_ERROR" | "DELETING" | "DELETED";
        };
        NodeSessionTicket: {
            /** Format: uuid */
            sessionId: string;
            /** @description Path of the WebSocket to open on the portal, with its one-time ticket. */
            webSocketPath: string;
            /**
             * Format: date-time
             * @description Open the WebSocket before this (a minute after asking).
             */
            expiresAt: string;
        };
        BuildSummary: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            organizationId: string;
            /**
             * @description create: a template's first run, making the unit group; scale: a unit's node count; power: nodes off or on.
             * @enum {string}
             */
            kind: "create" | "scale" | "power";
            /** @enum {string} */
            status: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
            templateSlug: string;
            templateTitle: components["schemas"]["LocalizedText"];
            templateVersion: string;
            /**
             * Format: uuid
             * @description The exact template version the build runs.
             */
            templateVersionId: string;
            /** @description The unit group it makes or changes; null once that is gone. */
            unitGroupId: string | null;
            unitGroupName: string | null;
            /** @description Who submitted it. */
            createdByEmail: string;
            /** @description Why it failed or was cancelled. */
            error: string | null;
            cancelRequestedAt: string | null;
            /** @description On cancel: keep what the build made, or tear its unit group down. */
            cancelMode: ("keep" | "teardown") | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            startedAt: string | null;
            finishedAt: string | null;
        };
        LocalizedText: {
            ja: string;
            en: string;
        };
        SubmittedBuild: {
            /**
             * Format: uuid
             * @description The build: watch it at GET /api/v1/builds/{id}.
             */
            buildId: string;
            /**
             * Format: uuid
             * @description The unit group it makes.
             */
            unitGroupId: string;
        };
        BuildPlan: {
            template: {
                slug: string;
                version: string;
                title: components["schemas"]["LocalizedText"];
            };
            /** @description Validated parameters with their defaults; secret ones masked. */
            parameters: {
                [key: string]: unknown;
            };
            /** @description The template's derived values. */
            derived: {
                [key: string]: unknown;
            };
            units: components["schemas"]["PlanUnit"][];
            totals: {
                nodes: number;
                byProvider: {
                    provider: string;
                    nodes: number;
                }[];
                byFlavor: {
                    provider: string;
                    flavor: string;
                    nodes: number;
                }[];
            };
            /** @description The organization's node quota after the build. */
            quota: {
                total: {
                    /** @description The organization's limit; null: none. */
                    limit: number | null;
                    inUse: number;
                    adding: number;
                    after: number;
                    exceeds: boolean;
                };
                byProvider: {
                    /** @description The organization's limit; null: none. */
                    limit: number | null;
                    inUse: number;
                    adding: number;
                    after: number;
                    exceeds: boolean;
                    provider: string;
                }[];
                exceeds: boolean;
            } | null;
            cost: {
                /** @constant */
                currency: "USD";
                /** @description The date of the price table. */
                asOf: string;
                /** @description USD per hour, or "unknown" where the price table has no price. */
                hourly: number | "unknown";
                /** @description The sum of the prices that are known. */
                hourlyKnown: number;
                unknownPriceUnits: string[];
                byProvider: {
                    provider: string;
                    /** @description USD per hour, or "unknown" where the price table has no price. */
                    hourly: number | "unknown";
                }[];
            };
            steps: {
                key: string;
                action: string;
                title: components["schemas"]["LocalizedText"];
                applications: string[];
            }[];
            outputs: {
                key: string;
                label: components["schemas"]["LocalizedText"];
                /** @enum {string} */
                kind: "url" | "text" | "secret";
                shownOnce: boolean;
                /** @description The values with placeholders for what the build makes. */
                preview: string[];
            }[];
            /** @description The organization's servers, when the plan puts nodes on them. */
            servers: {
                active: number;
                freeNodes: number;
                withContainers: number;
            } | null;
            /** @description Why the plan cannot be submitted as it stands; empty when it can. */
            problems: {
                /** @enum {string} */
                kind: "quota" | "missing-programs" | "provider-unavailable" | "no-servers" | "servers-full" | "needs-containers" | "no-account";
                message: string;
                /** @description For no-account: the provider without one. */
                provider?: string;
            }[];
            canSubmit: boolean;
        };
        PlanUnit: {
            name: string;
            role: string;
            provider: string;
            region: string;
            flavor: string;
            /** @description The flavor's provider-specific sizing (instance_type, cpus, memory_mb, …). */
            flavorValues: {
                [key: string]: string | number;
            };
            instanceType: string | null;
            volumeSize: number | null;
            numNodes: number;
            image: string;
            /** @description USD per hour, or "unknown" where the price table has no price. */
            hourlyPerNode: number | "unknown";
            /** @description USD per hour, or "unknown" where the price table has no price. */
            hourly: number | "unknown";
            applications: {
                name: string;
                image: string;
                ports: number[];
                health: {
                    port: number;
                    path?: string;
                } | null;
                /** @description The template says how the local provider runs it. */
                runsOnLocal: boolean;
                /** @description On onpremises: it can only run as a container. */
                needsContainers: boolean;
                /** @description On a local unit: the host programs it needs and whether each is on PATH. */
                requires: {
                    program: string;
                    found: boolean;
                }[];
            }[];
            /** @description The organization's cloud account its nodes are made in, on a provider that takes accounts. */
            account: {
                /** Format: uuid */
                id: string;
                name: string;
            } | null;
        };
        Build: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            organizationId: string;
            /**
             * @description create: a template's first run, making the unit group; scale: a unit's node count; power: nodes off or on.
             * @enum {string}
             */
            kind: "create" | "scale" | "power";
            /** @enum {string} */
            status: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
            templateSlug: string;
            templateTitle: components["schemas"]["LocalizedText"];
            templateVersion: string;
            /**
             * Format: uuid
             * @description The exact template version the build runs.
             */
            templateVersionId: string;
            /** @description The unit group it makes or changes; null once that is gone. */
            unitGroupId: string | null;
            unitGroupName: string | null;
            /** @description Who submitted it. */
            createdByEmail: string;
            /** @description Why it failed or was cancelled. */
            error: string | null;
            cancelRequestedAt: string | null;
            /** @description On cancel: keep what the build made, or tear its unit group down. */
            cancelMode: ("keep" | "teardown") | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            startedAt: string | null;
            finishedAt: string | null;
            /** @description The template's parameters as the build was submitted with them (secret ones are never stored here). */
            parameters: {
                [key: string]: unknown;
            };
            outputs: components["schemas"]["BuildOutput"][];
            steps: components["schemas"]["BuildStep"][];
            /** @description Log lines after afterLogId, oldest first, at most 1000. */
            logs: components["schemas"]["BuildLogLine"][];
        };
        BuildOutput: {
            key: string;
            label: components["schemas"]["LocalizedText"];
            /** @enum {string} */
            kind: "url" | "text" | "secret";
            /** @description For a secret output: its values in the one answer that reveals them to the build's creator, else empty. */
            values: string[];
        };
        BuildStep: {
            /** Format: uuid */
            id: string;
            position: number;
            key: string;
            /** @description What the step does: create-nodes, start-applications, wait-ready, remove-nodes, … */
            action: string;
            title: components["schemas"]["LocalizedText"] | null;
            /** @description For start-applications: the applications it starts (empty: every one of the unit's role). */
            applications: string[];
            /** @enum {string} */
            status: "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "SKIPPED";
            attempts: number;
            error: string | null;
            startedAt: string | null;
            finishedAt: string | null;
        };
        BuildLogLine: {
            /** @description Increasing: pass the last one seen as afterLogId to get only newer lines. */
            id: number;
            stepKey: string | null;
            /** @enum {string} */
            level: "info" | "warn" | "error";
            message: string;
            /** Format: date-time */
            createdAt: string;
        };
        TemplateSummary: {
            slug: string;
            category: string;
            /** @description Its newest version. */
            version: string;
            /** Format: uuid */
            versionId: string;
            /** @description Null: the shared catalog; set: that organization's own template. */
            organizationId: string | null;
            /** @description The shipped template a copy was made from (whose local programs it runs); null: its own. */
            sourceSlug: string | null;
            title: components["schemas"]["LocalizedText"];
            summary: components["schemas"]["LocalizedText"];
            /** Format: date-time */
            createdAt: string;
        };
        SavedTemplateVersion: {
            slug: string;
            version: string;
            /** Format: uuid */
            versionId: string;
        };
        Template: {
            slug: string;
            category: string;
            /** @description Its newest version, which `definition` is. */
            version: string;
            /** Format: uuid */
            versionId: string;
            /** @description Null: the shared catalog; set: that organization's own template. */
            organizationId: string | null;
            /** @description The shipped template a copy was made from (whose local programs it runs); null: its own. */
            sourceSlug: string | null;
            definition: components["schemas"]["TemplateDefinition"];
            /** @description The template's README (Markdown), if it has one. */
            readme: string | null;
            /** @description Every version, newest first. */
            versions: {
                version: string;
                /** Format: date-time */
                createdAt: string;
            }[];
        };
        TemplateDefinition: {
            slug: string;
            version: string;
            category: string;
            title: components["schemas"]["LocalizedText"];
            summary: components["schemas"]["LocalizedText"];
            /** @description Newest first; the first entry is this version. */
            changelog: {
                version: string;
                date: string;
                changes: components["schemas"]["LocalizedText"];
            }[];
            /** @description The JSON Schema subset the build form renders. */
            parameters: {
                /** @constant */
                type: "object";
                properties: {
                    [key: string]: components["schemas"]["TemplateParameter"];
                };
                required: string[];
            };
            /** @description name → expression over parameters and earlier derived values, in order. */
            derived: {
                [key: string]: string;
            };
            /** @description Credentials generated at submit (their names and lengths). */
            secrets: {
                name: string;
                length: number;
            }[];
            units: components["schemas"]["TemplateUnit"][];
            applications: components["schemas"]["TemplateApplication"][];
            steps: {
                key: string;
                /** @enum {string} */
                action: "create-nodes" | "start-applications" | "wait-ready";
                title: components["schemas"]["LocalizedText"];
                applications?: string[];
                when?: string;
            }[];
            outputs: {
                key: string;
                label: components["schemas"]["LocalizedText"];
                /** @enum {string} */
                kind: "url" | "text" | "secret";
                value: string;
                when?: string;
            }[];
        };
        TemplateParameter: {
            /** @constant */
            type: "integer";
            default?: number;
            minimum?: number;
            maximum?: number;
            enum?: number[];
            "x-label": {
                ja: string;
                en: string;
            };
            "x-help"?: {
                ja: string;
                en: string;
            };
            examples?: unknown[];
        } | {
            /** @constant */
            type: "number";
            default?: number;
            minimum?: number;
            maximum?: number;
            enum?: number[];
            "x-label": {
                ja: string;
                en: string;
            };
            "x-help"?: {
                ja: string;
                en: string;
            };
            examples?: unknown[];
        } | {
            /** @constant */
            type: "string";
            default?: string;
            minLength?: number;
            maxLength?: number;
            pattern?: string;
            enum?: string[];
            "x-secret"?: boolean;
            "x-label": {
                ja: string;
                en: string;
            };
            "x-help"?: {
                ja: string;
                en: string;
            };
            examples?: unknown[];
        } | {
            /** @constant */
            type: "boolean";
            default?: boolean;
            "x-label": {
                ja: string;
                en: string;
            };
            "x-help"?: {
                ja: string;
                en: string;
            };
            examples?: unknown[];
        } | {
            /** @constant */
            type: "array";
            items: {
                /** @constant */
                type: "string";
                minLength?: number;
                maxLength?: number;
                pattern?: string;
                enum?: string[];
            } | {
                /** @constant */
                type: "integer";
                minimum?: number;
                maximum?: number;
            };
            default?: unknown[];
            minItems?: number;
            maxItems?: number;
            uniqueItems?: boolean;
            "x-label": {
                ja: string;
                en: string;
            };
            "x-help"?: {
                ja: string;
                en: string;
            };
            examples?: unknown[];
        };
        TemplateUnit: {
            name: string;
            role: string;
            /** @description A node count, or an expression over parameters and derived values. */
            nodes: number | string;
            /** @description Base image of the unit's nodes. */
            image: string;
            /** @description Default flavor; the build form may choose another for the role. */
            flavor: string;
            /** @description Providers the unit can run on, each with its own default flavor and root disk size (GB) where they differ. */
            providers: {
                [key: string]: {
                    flavor?: string;
                    volumeSize?: number;
                };
            };
            /** @description Parameter-driven changes, first match wins. */
            variants: {
                when: string;
                flavor?: string;
                image?: string;
            }[];
        };
        TemplateApplication: {
            name: string;
            /** @description The role of the units whose every node runs it. */
            role: string;
            image: string;
            ports: (number | string)[];
            /** @description A map of NAME: value, or a list of "NAME=value" texts. */
            env: {
                [key: string]: string;
            } | string[];
            volumes: {
                source: string;
                target: string;
                readOnly: boolean;
            }[];
            /** @description HTTP GET path on the port, or a TCP connect when no path is given. */
            health?: {
                /** @description A port number, or a {{ placeholder }} giving one. */
                port: number | string;
                path?: string;
            };
            /** @description How the local provider runs it on the portal's machine, instead of the image. */
            local?: {
                command: string[];
                env: {
                    [key: string]: string;
                };
                /** @description Programs that must be on the machine's PATH. */
                requires: string[];
                files: {
                    path: string;
                    content: string;
                    /** @description Unix permissions, e.g. 420 (0644). */
                    mode: number;
                }[];
            };
            /** @description The providers it runs on; without it, every provider its role's units run on. */
            providers?: string[];
            /**
             * @description The batch scheduler it runs, whose queue drives cloud burst.
             * @constant
             */
            workQueue?: "slurm";
        };
        TemplateRights: {
            /** @description The caller may save new versions. */
            edit: boolean;
            /** @description Organizations the caller may copy it into. */
            copyTo: {
                /** Format: uuid */
                id: string;
                name: string;
            }[];
        };
        TemplateSource: {
            slug: string;
            version: string;
            organizationId: string | null;
            /** @description The newest version's YAML as written, comments included. */
            yaml: string;
        };
        Provider: {
            id: string;
            label: components["schemas"]["LocalizedText"];
            flavors: components["schemas"]["Flavor"][];
            /** @description The region prices are looked up in. */
            region: string;
            /** @description Builds can create nodes here on this installation. */
            available: boolean;
            /** @description Why not, when it is not available. */
            unavailableReason?: components["schemas"]["LocalizedText"];
            /** @description Whose cloud accounts its nodes are made in, when another provider's (aws_spot: aws). */
            accountsOf?: string;
            /** @description Its nodes can be powered off and on again, keeping their disks. */
            power: boolean;
            /** @description A node can be given its address. */
            fixedIps: boolean;
            /** @description Its room runs out (the lab's servers): a unit here may overflow to a cloud. */
            overflows: boolean;
        };
        Flavor: {
            name: string;
            label: components["schemas"]["LocalizedText"];
            /** @description Provider-specific sizing (instance_type, volume_size, cpus, memory_mb, …), as in vcp_flavor.yml. */
            values: {
                [key: string]: string | number;
            };
        };
        UnitGroupMetrics: {
            /** @enum {string} */
            range: "1h" | "6h" | "24h" | "7d" | "30d" | "90d";
            /** Format: date-time */
            from: string;
            /** Format: date-time */
            to: string;
            bucketSeconds: number;
            /** @description A series per node. */
            nodes: components["schemas"]["MetricSeries"][];
            /** @description A series per node and application. */
            applications: components["schemas"]["MetricSeries"][];
        };
        MetricSeries: {
            /** Format: uuid */
            nodeId: string;
            /** @description "<unit>-<node no>", as the unit group page names nodes. */
            node: string;
            /** @description null for the node itself. */
            application: string | null;
            points: components["schemas"]["MetricPoint"][];
        };
        /** @description Means over a bucket; null where nothing was measured. */
        MetricPoint: {
            /**
             * Format: date-time
             * @description The start of the bucket.
             */
            at: string;
            /** @description CPU in use, in cores. */
            cpuCores: number | null;
            memoryBytes: number | null;
            memoryTotalBytes: number | null;
            diskUsedBytes: number | null;
            diskTotalBytes: number | null;
            networkReceiveBytesPerSecond: number | null;
            networkTransmitBytesPerSecond: number | null;
            /** @description 0–1. */
            gpuUtilization: number | null;
            gpuMemoryBytes: number | null;
            load1: number | null;
        };
        QueuedExpiryExtension: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            unitGroupId: string;
            /** @enum {string} */
            state: "pending" | "approved" | "rejected";
            /**
             * Format: date-time
             * @description The end date when it was asked for.
             */
            fromExpiresAt: string;
            /**
             * Format: date-time
             * @description The end date asked for.
             */
            untilExpiresAt: string;
            reason: string;
            requestedByName: string;
            requestedByEmail: string;
            /** @description Approved at once, within the organization's policy. */
            autoApproved: boolean;
            /** @description The NII staff member who decided; null while pending or when the policy approved it. */
            decidedByName: string | null;
            decidedAt: string | null;
            decisionNote: string | null;
            /** Format: date-time */
            createdAt: string;
            unitGroupName: string;
            /** Format: uuid */
            organizationId: string;
            organizationName: string;
            /** @description Its organization's policy. */
            extensionAutoApproveDays: number;
        };
        ExpiryExtension: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            unitGroupId: string;
            /** @enum {string} */
            state: "pending" | "approved" | "rejected";
            /**
             * Format: date-time
             * @description The end date when it was asked for.
             */
            fromExpiresAt: string;
            /**
             * Format: date-time
             * @description The end date asked for.
             */
            untilExpiresAt: string;
            reason: string;
            requestedByName: string;
            requestedByEmail: string;
            /** @description Approved at once, within the organization's policy. */
            autoApproved: boolean;
            /** @description The NII staff member who decided; null while pending or when the policy approved it. */
            decidedByName: string | null;
            decidedAt: string | null;
            decisionNote: string | null;
            /** Format: date-time */
            createdAt: string;
        };
        ExpiryChange: {
            /** @description The end date now. */
            expiresAt: string | null;
            expiredAt: string | null;
            /** @description The request a later date became: approved already, or pending for NII staff. */
            extension?: components["schemas"]["ExpiryExtension"];
        };
        Expiry: {
            /** @description When the unit group ends; null: no end date. */
            expiresAt: string | null;
            /** @description When it ended (its nodes were powered off), if it has. */
            expiredAt: string | null;
            /** @description When it is deleted unless its end date moves: the end of its grace period after expiry. */
            deletesAt: string | null;
            /** @description The organization's policy: extensions up to this many days after the current end are approved at once. */
            extensionAutoApproveDays: number;
            /** @description Days between expiry and deletion. */
            expiryGraceDays: number;
            /** @description Whether the caller may set the date and ask for extensions. */
            canChange: boolean;
        };
        Organization: {
            /** Format: uuid */
            id: string;
            name: string;
            /** @enum {string} */
            kind: "lab" | "department" | "institution";
            department: string | null;
            /** @enum {string} */
            state: "active" | "suspended";
            /** @description Most nodes alive at once across all providers. */
            maxNodes: number;
            /** @description Most nodes per provider id; a provider not listed is limited only by maxNodes. */
            maxNodesPerProvider: {
                [key: string]: number;
            };
            /** @description An extension of a unit group's end date by at most this many days is approved at once. */
            extensionAutoApproveDays: number;
            /** @description Days an expired unit group stays (powered off) before it is deleted. */
            expiryGraceDays: number;
            institutionName: string;
            institutionNameJa: string;
            /** @description The caller's role; null for NII staff looking at an organization they do not belong to. */
            role: ("owner" | "admin" | "user" | "viewer") | null;
            /** @description What the caller may do there, so clients offer only what will work. */
            permissions: ("read" | "build" | "manageMembers" | "manageTokens" | "manageHosts" | "manageAccounts" | "readAudit")[];
        };
        CreatedOrganization: {
            /** Format: uuid */
            id: string;
            name: string;
            /** @enum {string} */
            kind: "lab" | "department" | "institution";
            department: string | null;
            /** @enum {string} */
            state: "active" | "suspended";
            maxNodes: number;
            /** Format: date-time */
            createdAt: string;
        };
        ExpiryPolicy: {
            /** @description An extension by at most this many days is approved at once; a longer one goes to NII staff. */
            extensionAutoApproveDays: number;
            /** @description Days an expired unit group stays (powered off) before it is deleted. */
            expiryGraceDays: number;
        };
        Member: {
            /** Format: uuid */
            userId: string;
            email: string;
            name: string;
            nameJa: string | null;
            /**
             * @description owner (VC責任者), admin (VC管理者), user (VC利用者) or viewer (read only).
             * @enum {string}
             */
            role: "owner" | "admin" | "user" | "viewer";
            /** Format: date-time */
            joinedAt: string;
            lastSignInAt: string | null;
        };
        ApiToken: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            organizationId: string;
            /**
             * Format: uuid
             * @description The member the token acts as.
             */
            userId: string;
            userEmail: string;
            userName: string;
            note: string;
            /**
             * @description fullaccess acts with the member's rights; readonly only reads.
             * @enum {string}
             */
            role: "fullaccess" | "readonly";
            /** @description The first characters of the secret, so people can tell tokens apart. */
            prefix: string;
            /** @enum {string} */
            status: "active" | "expired" | "revoked";
            /** Format: date-time */
            expiresAt: string;
            lastUsedAt: string | null;
            revokedAt: string | null;
            /** @description Who issued it. */
            createdByEmail: string;
            /** Format: date-time */
            createdAt: string;
        };
        IssuedApiToken: {
            token: components["schemas"]["ApiToken"];
            /** @description The token itself, for `Authorization: Bearer`: shown here once and never again (only its hash is kept). */
            secret: string;
        };
        SshPublicKey: {
            /** @description One OpenSSH line, for the servers' ~/.ssh/authorized_keys. */
            publicKey: string;
            /** @description As `ssh-keygen -lf` prints it: SHA256:<base64 without padding>. */
            fingerprint: string;
        };
        Host: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            organizationId: string;
            name: string;
            /** @description An IPv4 or IPv6 address or a DNS name. */
            address: string;
            sshPort: number;
            sshUser: string;
            /** @description OpenSSH `SHA256:…` of the server's host key; null until pinned at the first contact. */
            hostKeyFingerprint: string | null;
            /** @description Most nodes the server runs at once. */
            capacity: number;
            /** @description Live nodes placed on it. */
            nodes: number;
            /** @description How many more nodes it can take. */
            freeCapacity: number;
            /** @description The Docker-compatible engine the server has, as its agents or the connection test last found; null when none. */
            containerEngine: string | null;
            /** @description Where on the server the portal installs its agent and nodes ("~/" is the SSH user's home). */
            agentDir: string;
            /**
             * @description draining: keeps its nodes but gets no new ones; unreachable: the portal could not reach it.
             * @enum {string}
             */
            state: "active" | "draining" | "unreachable";
            stateReason: string | null;
            lastContactAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        HostCheck: {
            ok: boolean;
            /** @description What went wrong, for the admin to act on. */
            reason: string | null;
            /** @description The host key the server showed (pinned now if nothing was pinned). */
            fingerprint: string | null;
            /** @description `uname -srm` on the server. */
            system: string | null;
            /** @description Where the server's Docker-compatible engine listens, when it has one. */
            containerEngine: string | null;
        };
        ProviderAccount: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            organizationId: string;
            /** @description A provider id of GET /api/v1/providers. */
            provider: string;
            name: string;
            /** @description Region or zone (ap-northeast-1, japaneast, is1a, …); null where the provider has none. */
            region: string | null;
            /** @description Where its nodes go, in the provider's own terms (VPC, subnet, security group, image, …). */
            network: {
                [key: string]: string;
            };
            /** @description What identifies the credentials without revealing them (an access key id, a client id); the credentials themselves are never answered. */
            credentialHint: string;
            /** @description The account builds on this provider use when none is named. */
            isDefault: boolean;
            lastTestAt: string | null;
            lastTestOk: boolean | null;
            /** @description The provider's error code when the last connection test failed. */
            lastTestCode: string | null;
            lastTestMessage: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ProviderAccountTest: {
            ok: boolean;
            /** @description The provider's error code, when it refused. */
            code: string | null;
            /** @description What happened, in the provider's words. */
            message: string;
            /** @description What to do next, when it failed. */
            advice?: components["schemas"]["LocalizedText"];
        };
        LeakList: {
            leaks: components["schemas"]["Leak"][];
            /** @description How long a leak stays before the sweeper removes it. */
            graceMinutes: number;
            /** @description The sweeper only finds and records; it removes nothing. */
            dryRun: boolean;
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        Leak: {
            /** Format: uuid */
            id: string;
            provider: string;
            /**
             * Format: uuid
             * @description The provider account it was found in.
             */
            accountId: string;
            accountName: string;
            /** Format: uuid */
            organizationId: string;
            organizationName: string;
            /** @description The machine's id at its provider. */
            resourceId: string;
            name: string;
            /** @description Why it counts as a leak. */
            reason: string;
            /** Format: date-time */
            firstSeenAt: string;
            /** Format: date-time */
            lastSeenAt: string;
            /** @description When the sweeper removes it; null once ended, or while in dry-run mode. */
            removeAfter: string | null;
            /** @description The last removal that failed, in the provider's words. */
            lastError: string | null;
            endedAt: string | null;
            /** @description removed by the sweeper; vanished (someone else removed it); claimed (a node recorded it after all); null while open. */
            outcome: ("removed" | "vanished" | "claimed") | null;
        };
        LeakSweepReport: {
            /** @description Accounts swept. */
            accounts: number;
            /** @description Machines carrying the installation's tag, in all accounts listed. */
            listed: number;
            /** @description Leaks open after the sweep. */
            open: number;
            /** @description Resource ids removed now. */
            removed: string[];
            /** @description Past their grace period, kept because of dry-run mode. */
            wouldRemove: string[];
            /** @description Accounts that could not be listed, and removals that failed. */
            failures: {
                /** Format: uuid */
                accountId: string;
                resourceId?: string;
                error: string;
            }[];
        };
        SshKey: {
            /** Format: uuid */
            id: string;
            name: string;
            /** @description ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa … */
            type: string;
            /** @description The public key line, as OpenSSH writes it. */
            publicKey: string;
            /** @description SHA256:…, as `ssh-keygen -l` prints it. */
            fingerprint: string;
            /** Format: date-time */
            createdAt: string;
        };
        ServiceApplicationSummary: {
            /** Format: uuid */
            id: string;
            /**
             * @description draft → submitted → approved | rejected | changes_requested; changes_requested → (edited) → submitted again.
             * @enum {string}
             */
            state: "draft" | "submitted" | "changes_requested" | "approved" | "rejected";
            /** @description The organization applied for. */
            organizationName: string;
            /** @enum {string} */
            organizationKind: "lab" | "department" | "institution";
            department: string | null;
            applicantName: string;
            /** @description The applicant's own sign-in address. */
            applicantEmail: string;
            expectedNodes: number;
            /** @description The organization made on approval. */
            organizationId: string | null;
            submittedAt: string | null;
            decidedAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ServiceApplication: {
            /** Format: uuid */
            id: string;
            /**
             * @description draft → submitted → approved | rejected | changes_requested; changes_requested → (edited) → submitted again.
             * @enum {string}
             */
            state: "draft" | "submitted" | "changes_requested" | "approved" | "rejected";
            /** @description The organization applied for. */
            organizationName: string;
            /** @enum {string} */
            organizationKind: "lab" | "department" | "institution";
            department: string | null;
            applicantName: string;
            /** @description The applicant's own sign-in address. */
            applicantEmail: string;
            expectedNodes: number;
            /** @description The organization made on approval. */
            organizationId: string | null;
            submittedAt: string | null;
            decidedAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            contactEmail: string;
            purpose: string;
            expectedStudents: number | null;
            /** @description Provider ids (GET /api/v1/providers). */
            wantedProviders: string[];
            networkNeeds: string | null;
            /** @description Why staff decided as they did; sent to the applicant. */
            decisionReason: string | null;
            decidedByName: string | null;
            /** @description The applicant's institution, once known to the portal. */
            institution: {
                name: string;
                nameJa: string;
                domain: string;
            } | null;
            /** @description The institution's mail domain: the contact address must be within it. */
            institutionDomain: string;
            organization: components["schemas"]["ApprovedOrganization"] | null;
            /** @description The thread between applicant and NII staff, oldest first. */
            comments: components["schemas"]["ApplicationComment"][];
            /** @description What the caller may do now, so pages show only the buttons that will work. */
            allowed: {
                edit: boolean;
                submit: boolean;
                comment: boolean;
                decide: boolean;
            };
        };
        ApprovedOrganization: {
            /** Format: uuid */
            id: string;
            name: string;
            maxNodes: number;
            /** @description A provider left out is limited only by maxNodes. */
            maxNodesPerProvider: {
                [key: string]: number;
            };
        };
        ApplicationComment: {
            /** Format: uuid */
            id: string;
            body: string;
            /** Format: date-time */
            createdAt: string;
            authorName: string;
            authorEmail: string;
            /** @description Written by NII staff (not the applicant). */
            authorIsStaff: boolean;
        };
        ApplicationDecision: {
            application: components["schemas"]["ServiceApplication"];
            /** @description On approval: the organization made, with the applicant as its owner. */
            organization?: components["schemas"]["ApprovedOrganization"];
        };
        Webhook: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            organizationId: string;
            /** @description Where deliveries are POSTed. It may carry the receiver's credential, so only admins and owners read it. */
            url: string;
            /** @description Event names it wants; empty: every event. */
            events: string[];
            description: string | null;
            /**
             * @description failing: deliveries have failed since failingSince, and it is disabled a day after that.
             * @enum {string}
             */
            state: "active" | "failing" | "disabled";
            enabled: boolean;
            failingSince: string | null;
            disabledAt: string | null;
            disabledReason: string | null;
            /**
             * Format: uuid
             * @description The member who made it.
             */
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        CreatedWebhook: {
            webhook: components["schemas"]["Webhook"];
            /** @description The key deliveries are signed with (X-OCS-Signature: v1=<hex HMAC-SHA256 of "<X-OCS-Timestamp>.<raw body>">): shown this once only. */
            secret: string;
        };
        WebhookDelivery: {
            /**
             * Format: uuid
             * @description Also sent as X-OCS-Delivery, the same on every retry.
             */
            id: string;
            /** Format: uuid */
            webhookId: string;
            event: string;
            /** @enum {string} */
            state: "pending" | "succeeded" | "failed";
            attempts: number;
            /** @description When it is tried next (pending only). */
            nextAttemptAt: string | null;
            lastAttemptAt: string | null;
            /** @description The receiver's HTTP status. */
            responseStatus: number | null;
            /** @description The start of what the receiver answered. */
            responseBody: string | null;
            error: string | null;
            /** @description The JSON body sent. */
            payload: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            createdAt: string;
        };
        AuditEvent: {
            /** @description Entries are numbered in the order they were written. */
            id: number;
            /** Format: date-time */
            at: string;
            /** @description Who: an e-mail, or "<e-mail> (token <prefix>)"; "anonymous" or "refused bearer token" for callers the portal could not identify. */
            actorLabel: string;
            organizationId: string | null;
            organizationName: string | null;
            /** @description <area>.<verb>: build.submit, unitGroup.delete, token.issue, application.approve, … */
            action: string;
            targetType: string | null;
            targetId: string | null;
            ipAddress: string | null;
            /**
             * @description success; denied (refused: no such thing, or no right to it); failure (allowed, but it failed).
             * @enum {string}
             */
            outcome: "success" | "denied" | "failure";
            /** @description What the action changed or why it failed; free-form, by action. */
            details: {
                [key: string]: unknown;
            };
        };
        Error: {
            error: {
                /** @enum {string} */
                code: "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "INVALID_INPUT" | "CONFLICT" | "IDEMPOTENCY_MISMATCH" | "QUOTA_EXCEEDED" | "PROVIDER_UNAVAILABLE" | "SERVICE_UNAVAILABLE" | "INTERNAL";
                message: string;
                details: {
                    /** @description For INVALID_INPUT: a message per input field. */
                    fields?: {
                        [key: string]: string;
                    };
                } & {
                    [key: string]: unknown;
                };
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getApiRoot: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Where this API describes itself: its document, reference page and clients */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiRoot"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listUnitGroups: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
                /** @description Only the unit group of this name. */
                name?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unit groups the caller may see, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        unitGroups: components["schemas"]["UnitGroupSummary"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createUnitGroup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /**
                     * Format: uuid
                     * @description The organization it belongs to; an API token's own by default.
                     */
                    organizationId?: string;
                    /**
                     * Format: date-time
                     * @description The end of its term.
                     */
                    expiresAt?: string;
                };
            };
        };
        responses: {
            /** @description Make an empty unit group (create_ugroup), to add units to from specs */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        unitGroup: components["schemas"]["UnitGroup"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getUnitGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A unit group with its units, nodes and applications */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        unitGroup: components["schemas"]["UnitGroup"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteUnitGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Tear the unit group down: it goes DELETING, then disappears */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        state: "DELETING";
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    powerUnitGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    action: "off" | "on";
                    /** @description Only the nodes of these numbers (of a unit). */
                    nodeNos?: number[];
                    /** @description Only the nodes at these addresses. */
                    ipAddresses?: string[];
                    pauseSchedule?: boolean;
                };
            };
        };
        responses: {
            /** @description Power every node of the unit group off or on, as a build */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createUnit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    spec: {
                        provider: string;
                        /** @default small */
                        flavor?: string;
                        /** @default 1 */
                        numNodes?: number;
                        /** @description The container image its nodes run (the base container). */
                        image?: string;
                        instanceType?: string;
                        /** @description GB. */
                        volumeSize?: number;
                        /** @description Fixed addresses, one per node (as many as numNodes). */
                        ipAddresses?: string[];
                        tags?: {
                            [key: string]: string;
                        };
                        /** @description The port the image listens on; readiness is checked there. */
                        port?: number;
                        healthPath?: string;
                        /** @description NAME=value, as docker -e (params_e). */
                        environment?: string[];
                        /** @description On the local provider, the command that runs instead of the image. */
                        localCommand?: string[];
                        /** @description Passed to the base container as AUTHORIZED_KEYS (base64), as OCS did. */
                        sshPublicKey?: string;
                    };
                };
            };
        };
        responses: {
            /** @description Add a unit of nodes made from a spec (create_unit); watch its build */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * Format: uuid
                         * @description The build carrying the change out: watch it at GET /api/v1/builds/{id}.
                         */
                        buildId: string;
                        /** Format: uuid */
                        unitId: string;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    findIpAddresses: {
        parameters: {
            query?: {
                /** @description Only nodes in this state (RUNNING for the ones that answer). */
                nodeState?: "BOOTING" | "RUNNING" | "SUSPENDING" | "SUSPENDED" | "RESUMING" | "SHUTTING_DOWN" | "POWER_OFF" | "STOPPING" | "STOPPED" | "CONTAINER_ERROR" | "HOST_ERROR" | "DELETING" | "DELETED";
                /** @description Only nodes of the unit of this name. */
                unit?: string;
            };
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The addresses of the unit group's nodes (find_ip_addresses), by unit and node number */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ipAddresses: string[];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    cleanupUnitGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Delete every unit and node of the unit group (cleanup), keeping the group itself */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSpec: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider: string;
                flavor: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A provider's spec for a flavor (get_spec), with the base container's defaults */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        spec: components["schemas"]["Spec"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listNodes: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
                /** @description Only the nodes of this unit group. */
                unitGroupId?: string;
                state?: "BOOTING" | "RUNNING" | "SUSPENDING" | "SUSPENDED" | "RESUMING" | "SHUTTING_DOWN" | "POWER_OFF" | "STOPPING" | "STOPPED" | "CONTAINER_ERROR" | "HOST_ERROR" | "DELETING" | "DELETED";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Nodes of every unit group the caller may see (df_nodes), newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        nodes: components["schemas"]["NodeListItem"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteUnit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Delete the unit and its nodes (delete_units), as a build; its name is free again */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    scaleUnit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    numNodes: number;
                    pauseSchedule?: boolean;
                };
            };
        };
        responses: {
            /** @description Change the unit's node count, as a scale build */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    setUnitBurst: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    provider: string;
                    /** Format: uuid */
                    accountId?: string;
                    flavor: string;
                    maxNodes: number;
                    queue?: {
                        pendingSeconds: number;
                        idleSeconds: number;
                    };
                };
            };
        };
        responses: {
            /** @description Set where the unit's nodes go once the lab's servers are full (its cloud-burst policy), replacing any */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        unitId: string;
                        burst: components["schemas"]["BurstPolicy"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    removeUnitBurst: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listUnitNodes: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The unit's nodes by number, a page at a time: a unit group's read carries only the first page of each unit's */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        nodes: components["schemas"]["Node"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    addNodes: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    count?: number;
                    ipAddresses?: string[];
                    pauseSchedule?: boolean;
                };
            };
        };
        responses: {
            /** @description Add nodes (add_nodes): a count, or one at each fixed address, as a scale build */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteNodes: {
        parameters: {
            query?: {
                /** @description true: only say which nodes would go. */
                dryRun?: "true" | "false";
            };
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    nodeNos?: number[];
                    ipAddresses?: string[];
                    resourceIds?: string[];
                    count?: number;
                    pauseSchedule?: boolean;
                };
            };
        };
        responses: {
            /** @description Delete nodes (delete_nodes) chosen by one of nodeNos, ipAddresses, resourceIds or count, as a scale build */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NodeDeletion"];
                };
            };
            /** @description Delete nodes (delete_nodes) chosen by one of nodeNos, ipAddresses, resourceIds or count, as a scale build */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NodeDeletion"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    powerUnit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    action: "off" | "on";
                    /** @description Only the nodes of these numbers (of a unit). */
                    nodeNos?: number[];
                    /** @description Only the nodes at these addresses. */
                    ipAddresses?: string[];
                    pauseSchedule?: boolean;
                };
            };
        };
        responses: {
            /** @description Power the unit's nodes off or on, as a build with its log */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getUnitSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The unit's class schedule (null when none), what it asks of the unit now and next, and the holidays in its term */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnitSchedule"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    setUnitSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default Asia/Tokyo */
                    timezone?: string;
                    startsOn: string;
                    endsOn: string;
                    periods: {
                        start: string;
                        end: string;
                        nodes: number;
                        weekday: number;
                    }[];
                    /** @default [] */
                    exceptions?: {
                        date: string;
                        /** @enum {string} */
                        kind: "noClass" | "extra";
                        periods?: {
                            start: string;
                            end: string;
                            nodes: number;
                        }[];
                        note?: string;
                    }[];
                    /** @default true */
                    skipHolidays?: boolean;
                    /**
                     * @default powerOff
                     * @enum {string}
                     */
                    outsideClass?: "powerOff" | "delete";
                    /** @default 1 */
                    nodesOutsideClass?: number;
                    /** @default 15 */
                    warmUpMinutes?: number;
                    /** @default 10 */
                    drainMinutes?: number;
                };
            };
        };
        responses: {
            /** @description Set the unit's class schedule, replacing any */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnitSchedule"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    removeUnitSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    pauseUnitSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Pause the unit's class schedule: it changes nothing until resumed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnitSchedule"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    resumeUnitSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Resume the unit's class schedule: its next round makes the unit what the timetable says now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnitSchedule"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getNode: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A node: where it is, how to log in over SSH, what it runs, and whether the caller may open a terminal */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        node: components["schemas"]["NodeDetail"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    powerNode: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    action: "off" | "on";
                    pauseSchedule?: boolean;
                };
            };
        };
        responses: {
            /** @description Power the node off or on, by a job */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NodePowerChange"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    openNodeSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @constant */
                    kind: "terminal";
                    /** @default 80 */
                    columns?: number;
                    /** @default 24 */
                    rows?: number;
                } | {
                    /** @constant */
                    kind: "logs";
                    application: string;
                };
            };
        };
        responses: {
            /** @description Open a browser session with the node: a terminal, or an application's log */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NodeSessionTicket"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listBuilds: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Builds the caller may see, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        builds: components["schemas"]["BuildSummary"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    submitBuild: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    parameters?: {
                        [key: string]: unknown;
                    };
                    provider: string;
                    flavor?: string;
                    flavorByRole?: {
                        [key: string]: string;
                    };
                    providerByRole?: {
                        [key: string]: string;
                    };
                    accountByRole?: {
                        [key: string]: string;
                    };
                    unitGroupName: string;
                    templateSlug: string;
                    /** Format: uuid */
                    organizationId?: string;
                    /** Format: date-time */
                    expiresAt?: string;
                };
            };
        };
        responses: {
            /** @description Submit a build of a template: a new unit group */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmittedBuild"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    planBuild: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    parameters?: {
                        [key: string]: unknown;
                    };
                    provider: string;
                    flavor?: string;
                    flavorByRole?: {
                        [key: string]: string;
                    };
                    providerByRole?: {
                        [key: string]: string;
                    };
                    accountByRole?: {
                        [key: string]: string;
                    };
                    unitGroupName?: string;
                    templateSlug: string;
                    /** Format: uuid */
                    organizationId?: string;
                };
            };
        };
        responses: {
            /** @description What a build would create, its quota use and hourly cost (nothing is created) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        plan: components["schemas"]["BuildPlan"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getBuild: {
        parameters: {
            query?: {
                /** @description Only log lines after this one (the id of the last line seen); 0 or none: from the first. */
                afterLogId?: number;
            };
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A build with its steps and log lines */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        build: components["schemas"]["Build"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    cancelBuild: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    mode: "keep" | "teardown";
                };
            };
        };
        responses: {
            /** @description Stop a queued or running build */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        cancelRequested: true;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    retryBuild: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Run a FAILED build again from its failed step */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        status: "QUEUED";
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listTemplates: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The catalog: shared templates and the caller's organizations' own, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        templates: components["schemas"]["TemplateSummary"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    publishTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    yaml: string;
                };
            };
        };
        responses: {
            /** @description A new template in the shared catalog, from its YAML */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SavedTemplateVersion"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The template's slug: the shared one, or the caller's organization's own of that name. */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A template's newest version (its definition and README) and every version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        template: components["schemas"]["Template"];
                        rights: components["schemas"]["TemplateRights"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getTemplateSource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The template's slug: the shared one, or the caller's organization's own of that name. */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The newest version as YAML text, for the editor */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TemplateSource"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    copyTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The template's slug: the shared one, or the caller's organization's own of that name. */
                slug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: uuid */
                    organizationId?: string;
                    newSlug: string;
                };
            };
        };
        responses: {
            /** @description An organization's own copy of a template, under a new slug */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The copy's slug. */
                        slug: string;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createTemplateVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The template's slug: the shared one, or the caller's organization's own of that name. */
                slug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    yaml: string;
                    /**
                     * Format: uuid
                     * @description Whose template of that slug, for a member of several organizations.
                     */
                    organizationId?: string;
                };
            };
        };
        responses: {
            /** @description A new version of a template from its edited YAML */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SavedTemplateVersion"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listProviders: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every provider with its flavors (as get_spec / df_flavors), and whether builds can use it yet */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        providers: components["schemas"]["Provider"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPrometheusMetrics: {
        parameters: {
            query?: {
                organization?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text for the live nodes of an organization, for its own Prometheus to scrape with an API token */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain; version=0.0.4; charset=utf-8": string;
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getUnitGroupMetrics: {
        parameters: {
            query?: {
                range?: "1h" | "6h" | "24h" | "7d" | "30d" | "90d";
            };
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A unit group's metrics per node and per application over a range, in about a hundred buckets */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnitGroupMetrics"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listExpiryExtensions: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
                state?: "pending" | "approved" | "rejected";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every organization's extension requests in one state, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        extensions: components["schemas"]["QueuedExpiryExtension"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    decideExpiryExtension: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    decision: "approve" | "reject";
                    note?: string;
                };
            };
        };
        responses: {
            /** @description Approve or reject a pending extension request */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        extension: components["schemas"]["ExpiryExtension"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    setUnitGroupExpiry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    expiresAt: string | null;
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description Set the unit group's end date, move it earlier, or remove it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExpiryChange"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getUnitGroupExpiry: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The unit group's end date and its organization's policy, with its extension requests newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        expiry: components["schemas"]["Expiry"];
                        extensions: components["schemas"]["ExpiryExtension"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    requestExpiryExtension: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: date-time */
                    until: string;
                    reason: string;
                };
            };
        };
        responses: {
            /** @description Ask for a later end date */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        extension: components["schemas"]["ExpiryExtension"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listOrganizations: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's organizations with their role, rights and quotas, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        organizations: components["schemas"]["Organization"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createOrganizationDirectly: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    organizationName: string;
                    /** @enum {string} */
                    organizationKind: "lab" | "department" | "institution";
                    department?: string | null;
                    /** @default 10 */
                    maxNodes?: number;
                };
            };
        };
        responses: {
            /** @description Portable edition: create your institution's first organization, as its owner */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        organization: components["schemas"]["CreatedOrganization"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateOrganization: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The organization's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    extensionAutoApproveDays?: number;
                    expiryGraceDays?: number;
                };
            };
        };
        responses: {
            /** @description Set the organization's expiry policy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExpiryPolicy"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listMembers: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The organization's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The organization's members and their roles, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        members: components["schemas"]["Member"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    addMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The organization's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    email: string;
                    /** @enum {string} */
                    role: "owner" | "admin" | "user" | "viewer";
                };
            };
        };
        responses: {
            /** @description Add someone by e-mail */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        member: components["schemas"]["Member"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    removeMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The organization's id. */
                id: string;
                /** @description The member's user id. */
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    changeMemberRole: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The organization's id. */
                id: string;
                /** @description The member's user id. */
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    role: "owner" | "admin" | "user" | "viewer";
                };
            };
        };
        responses: {
            /** @description Change a member's role */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        member: components["schemas"]["Member"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listTokens: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The organization's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The organization's API tokens with status and last use, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        tokens: components["schemas"]["ApiToken"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    issueToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The organization's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: uuid
                     * @description The member the token acts as.
                     */
                    userId: string;
                    note: string;
                    /** @enum {string} */
                    role: "fullaccess" | "readonly";
                    /**
                     * Format: date-time
                     * @description ISO 8601, at most ten years ahead; one year from now when left out.
                     */
                    expiresAt?: string;
                };
            };
        };
        responses: {
            /** @description Issue an API token that acts as a member */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedApiToken"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoke an API token at once */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        token: components["schemas"]["ApiToken"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getOrganizationSshPublicKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The organization's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key the portal signs in to the organization's servers with */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SshPublicKey"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listHosts: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The organization's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The organization's servers (not removed ones), newest first, with their free capacity */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        hosts: components["schemas"]["Host"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    registerHost: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The organization's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    address: string;
                    /** @default 22 */
                    sshPort?: number;
                    sshUser: string;
                    hostKeyFingerprint?: string | null;
                    capacity: number;
                    /** @default ~/.ocs-portal */
                    agentDir?: string;
                };
            };
        };
        responses: {
            /** @description Register one of the organization's own servers */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        host: components["schemas"]["Host"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getHost: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One server */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        host: components["schemas"]["Host"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    removeHost: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateHost: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    address?: string;
                    sshPort?: number;
                    sshUser?: string;
                    hostKeyFingerprint?: string | null;
                    capacity?: number;
                    agentDir?: string;
                };
            };
        };
        responses: {
            /** @description Change any of the server's name, address, SSH port and user, pinned host key, capacity and agent folder */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        host: components["schemas"]["Host"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    activateHost: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description New nodes may be placed on the server again */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        host: components["schemas"]["Host"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    checkHost: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Connection test (接続テスト): sign in to the server over SSH */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        host: components["schemas"]["Host"];
                        check: components["schemas"]["HostCheck"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    drainHost: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No new nodes are placed on the server; its nodes stay */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        host: components["schemas"]["Host"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listProviderAccounts: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The organization's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The organization's cloud accounts, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        accounts: components["schemas"]["ProviderAccount"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    addProviderAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The organization's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    provider: string;
                    name: string;
                    isDefault?: boolean;
                    /** @description Region or zone, where the provider has them (GET /api/v1/providers names its fields). */
                    region?: string | null;
                    /** @description Where its nodes go, by the provider's own names (subnetId, securityGroupId, imageId, …). */
                    network?: {
                        [key: string]: string;
                    };
                    /** @description The provider's credentials: sealed at once, never answered again. */
                    credentials?: {
                        [key: string]: string;
                    };
                };
            };
        };
        responses: {
            /** @description Add a cloud account */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        account: components["schemas"]["ProviderAccount"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getProviderAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One cloud account */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        account: components["schemas"]["ProviderAccount"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    removeProviderAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateProviderAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    /** @description Region or zone (text), or null where the provider has none; the provider decides what it takes. */
                    region?: unknown;
                    /** @description The whole network object, by the provider's own names. */
                    network?: unknown;
                    isDefault?: boolean;
                };
            };
        };
        responses: {
            /** @description Change any of the account's name, region, network and default flag */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        account: components["schemas"]["ProviderAccount"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    replaceProviderCredentials: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The provider's credentials as a whole (an object of texts): sealed at once, never answered again. */
                    credentials: unknown;
                };
            };
        };
        responses: {
            /** @description Replace the account's credentials as a whole */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        account: components["schemas"]["ProviderAccount"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    testProviderAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Connection test (接続テスト): sign in and find the account's network */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        account: components["schemas"]["ProviderAccount"];
                        test: components["schemas"]["ProviderAccountTest"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listLeaks: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
                /** @description Only this organization's leaks (else every organization the caller may read). */
                organizationId?: string;
                /** @description open: only leaks not ended yet; all (default): also those ended in the last 30 days. */
                state?: "open" | "all";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cloud machines the leak sweeper found that no node accounts for, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LeakList"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    checkLeaks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The organization's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Sweep the organization's cloud accounts for leaks now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        report: components["schemas"]["LeakSweepReport"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listSshKeys: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's SSH public keys (a token's: its member's), newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        keys: components["schemas"]["SshKey"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    addSshKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    publicKey: string;
                };
            };
        };
        responses: {
            /** @description Add an SSH public key: installed on the nodes the caller may log in to */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        key: components["schemas"]["SshKey"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteSshKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listServiceApplications: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
                /** @description Only applications in this state. */
                state?: "draft" | "submitted" | "changes_requested" | "approved" | "rejected";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Applications the caller may see, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        applications: components["schemas"]["ServiceApplicationSummary"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createServiceApplication: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    organizationName: string;
                    /** @enum {string} */
                    organizationKind: "lab" | "department" | "institution";
                    department?: string | null;
                    applicantName: string;
                    contactEmail: string;
                    purpose: string;
                    expectedStudents?: ("" | number) | null;
                    expectedNodes: number;
                    wantedProviders: string[];
                    networkNeeds?: string | null;
                };
            };
        };
        responses: {
            /** @description A new draft application, for the caller's own institution */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        application: components["schemas"]["ServiceApplication"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getServiceApplication: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The application with its comment thread */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        application: components["schemas"]["ServiceApplication"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateServiceApplication: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    organizationName?: string;
                    /** @enum {string} */
                    organizationKind?: "lab" | "department" | "institution";
                    department?: string | null;
                    applicantName?: string;
                    contactEmail?: string;
                    purpose?: string;
                    expectedStudents?: ("" | number) | null;
                    expectedNodes?: number;
                    wantedProviders?: string[];
                    networkNeeds?: string | null;
                };
            };
        };
        responses: {
            /** @description Edit fields of a draft, or of an application returned for changes */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        application: components["schemas"]["ServiceApplication"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    commentOnServiceApplication: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    body: string;
                };
            };
        };
        responses: {
            /** @description Add to the thread between applicant and NII staff */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        comment: components["schemas"]["ApplicationComment"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    decideServiceApplication: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    decision: "approve" | "reject" | "request_changes";
                    reason: string;
                    maxNodes?: number;
                    maxNodesPerProvider?: {
                        [key: string]: number;
                    };
                };
            };
        };
        responses: {
            /** @description Approve, reject or return a submitted application for changes */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApplicationDecision"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    submitServiceApplication: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Send the application to NII staff for review */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        application: components["schemas"]["ServiceApplication"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listWebhooks: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The organization's webhooks with their state, newest first (never their secrets) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        webhooks: components["schemas"]["Webhook"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    url: string;
                    events?: ("build.succeeded" | "build.failed" | "node.error" | "unitGroup.expiring" | "unitGroup.expired" | "unitGroup.deleted")[];
                    description?: string | null;
                };
            };
        };
        responses: {
            /** @description Register a URL for the organization's events */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhook"];
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One webhook */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        webhook: components["schemas"]["Webhook"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    url?: string;
                    events?: ("build.succeeded" | "build.failed" | "node.error" | "unitGroup.expiring" | "unitGroup.expired" | "unitGroup.deleted")[];
                    description?: string | null;
                    enabled?: boolean;
                };
            };
        };
        responses: {
            /** @description Change its URL, events, description or whether it is enabled */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        webhook: components["schemas"]["Webhook"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The webhook's deliveries with the receiver's answers, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deliveries: components["schemas"]["WebhookDelivery"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    testWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Send a `ping` now, once, and answer how it went */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        delivery: components["schemas"]["WebhookDelivery"];
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listAuditEvents: {
        parameters: {
            query?: {
                /** @description The nextCursor of the page before; none for the first page. */
                cursor?: string;
                /** @description How many items at most (default 50, at most 200). */
                limit?: number;
                /** @description Only this organization's entries; else those of every organization the caller owns (NII staff: every entry). */
                organizationId?: string;
                /** @description "token.issue" matches that action; "token" matches every token.* action. */
                action?: string;
                /** @description Part of the actor's label (an e-mail or a token prefix), any case. */
                actor?: string;
                outcome?: "success" | "denied" | "failure";
                /** @description Entries at or after this time (ISO 8601). */
                from?: string;
                /** @description Entries before this time (ISO 8601). */
                to?: string;
                /** @description csv: every matching entry as a CSV download, not a page (default json). */
                format?: "json" | "csv";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Audit log entries, newest first, filtered */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        events: components["schemas"]["AuditEvent"][];
                        /** @description Pass as `cursor` for the next page; null on the last page. */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description An error: its code, a message and, for INVALID_INPUT, the field each problem is in. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
