/** Every provisioned service, in install/start order. Add a service: one file here + one line below. */
import type { ServiceDefinition } from '../service.ts';
import kafka from './kafka.ts';

export const SERVICES: ServiceDefinition[] = [kafka];
