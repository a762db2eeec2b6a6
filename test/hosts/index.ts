// Real "servers" for tests, made on this machine as Linux network namespaces: each host has its own
// address, hostname, /etc/hosts, resolv.conf and OpenSSH server, wired to a bridge of the test's own.
// The on-premises provider's tests sign in to them over SSH like to any lab server, and what runs on
// a host can dial home to a server the test listens with on the bridge address.
//
//   const net = await createHostNetwork({ name: 'ocsh1', subnet: '10.201.7' }); // bridge ocsh1br, 10.201.7.1/24
//   const host = await net.addHost({ authorizedKeys: [publicKey] });            // ocsh1-h1 at 10.201.7.11:22
//   await host.exec(['hostname']);                                              // { code: 0, stdout: 'ocsh1-h1\n', … }
//   const engine = await host.startContainerEngine();                           // Podman's Docker API in the host, HELLO_WEB_IMAGE at hand
//   new Dockerode({ socketPath: engine.socketPath });                           // SSH sessions have DOCKER_HOST=unix://<that socket>
//   await net.destroy();                                                        // in afterAll: engines, containers and all
//
// Needs root, or an ordinary user's run inside test/hosts/sandbox.sh (a user + network namespace of
// their own, where the test, its PostgreSQL and Redis, the portal and the hosts all live; there the
// hosts' sshd lets in only that user).
//
// Rule: traffic goes only to addresses made here, on a private /24 on the network's own bridge.
// Isolation is network + hostname only: hosts share the file system, users and the process view,
// so each host gets its own folder (host.dir). See shared/reference/test-hosts.md for the traps.
export { createHostNetwork, destroyLeftoverHostNetworks, type HostNetwork, type HostNetworkOptions, type LeftoverCleanup } from './network';
export type { AddHostOptions, ExecResult, NamespaceHost } from './host';
export type { PodmanService } from './podman';
