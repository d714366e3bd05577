import { z } from 'zod';

// DNS-1123 label: safe as a Kubernetes name, a file name and a label value.
export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const dnsLabel = z
  .string()
  .regex(DNS_LABEL)
  .meta({ expected: 'a lowercase name of letters, digits and "-", at most 63 characters, like "zone-failover"' });
