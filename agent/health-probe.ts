// An application's health check, made the way a client inside the node would make it.
import http from 'node:http';
import net from 'node:net';

/** True when GET http://ip:port/path answers 2xx or 3xx within the timeout. */
export function probeHttp(ip: string, port: number, healthPath: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    // agent: false — no pooled keep-alive socket that would outlive the probe. The probe leaves
    // from the node's own address, as it would inside the node.
    const req = http.get({ host: ip, localAddress: ip, port, path: healthPath, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 400);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
  });
}

/** True when a TCP connection to ip:port opens within the timeout (a health check without a path). */
export function probeTcp(ip: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: ip, port, localAddress: ip, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
