// The container's entry point (see ../hello-web.ts): the web-hello template's app.mjs, beside this
// file in the image, made fit for a container; and a way to crash on purpose for restart tests.
if (process.env.CRASH === '1') {
  const code = Number(process.env.EXIT_CODE ?? 3);
  console.log(`hello-web on ${process.env.NODE_NAME ?? 'a node'}: starting`);
  console.error(`hello-web: exiting with code ${code} as CRASH=1 asks`);
  process.exit(code);
}
// Reached through the container's published port, so it listens on every address of the container.
process.env.NODE_IP = '0.0.0.0';
// As PID 1 Node.js gets no default SIGTERM handling: without this, every stop would wait for SIGKILL.
process.once('SIGTERM', () => process.exit(0));
await import('./app.mjs');
