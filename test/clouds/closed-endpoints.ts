// Every cloud API the drivers call, pointed at a port of this machine where nothing listens. Test
// processes and the workers they start get these by default, so a scheduled job (the leak sweeper
// listing every account a test left behind) never sends anything to a real cloud; a test that
// needs a cloud points its variable at its own facade. OpenStack and vSphere are reached at the
// URL their accounts name, which tests set to their facades.
export function closedCloudEndpoints(port: number): Record<string, string> {
  const closed = `http://127.0.0.1:${port}`;
  return {
    OCS_AWS_EC2_ENDPOINT: closed,
    OCS_AZURE_AUTHORITY_HOST: `https://127.0.0.1:${port}`,
    OCS_AZURE_ARM_ENDPOINT: `https://127.0.0.1:${port}`,
    OCS_OCI_ENDPOINT: closed,
    OCS_SAKURA_API_ROOT: `${closed}/cloud/zone`,
    OCS_MDX_ENDPOINT: closed,
  };
}
