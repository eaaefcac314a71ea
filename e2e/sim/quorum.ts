// SIMULATOR: when a simulated cluster's datastore answers. Each control plane node holds one datastore member (as
// k8s-snap's managed etcd does); the datastore, and so the API server, works while a majority of members is alive.

export interface DatastoreMember {
  name: string;
  alive: boolean;
}

export function hasQuorum(members: readonly DatastoreMember[]): boolean {
  const alive = members.filter((member) => member.alive).length;
  return members.length > 0 && alive * 2 > members.length;
}
