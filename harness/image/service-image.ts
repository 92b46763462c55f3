// What is published per UniDesk service: its id (the unidesk.ai/service-id label), its repository
// in the loopback registry (<registry>/<repository>:<40-hex commit>) and its Dockerfile, whose build
// context is the repository root. Backend-core (artifact gate) and Code Queue (dev-e2e gate) share
// the publication steps; only this spec differs.
export type ServiceImage = {
  serviceId: string;
  repository: string;
  /** Relative to the repository root, which is the build context. */
  dockerfile: string;
};

export const BACKEND_CORE_IMAGE: ServiceImage = { serviceId: 'backend-core', repository: 'unidesk/backend-core', dockerfile: 'src/components/backend-core/Dockerfile' };

export const CODE_QUEUE_IMAGE: ServiceImage = { serviceId: 'code-queue', repository: 'unidesk/code-queue', dockerfile: 'src/components/code-queue/Dockerfile' };
