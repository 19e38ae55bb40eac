// The OTLP resource's settings from OpenTelemetry's environment variables OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES, as the OpenTelemetry SDKs read them. Pure: the caller passes the
// values. Throws only ConfigError.

import { ConfigError } from '../common/index.js';

/** What OtlpSink takes for its resource (see OtlpSinkOptions). */
export interface OtlpResourceSettings {
  serviceName: string;
  resourceAttributes: Record<string, string>;
}

const VAR = 'OTEL_RESOURCE_ATTRIBUTES';

/**
 * Parses `key1=value1,key2=value2`: keys and values trimmed, values percent-decoded (W3C Baggage
 * encoding), empty entries skipped; a later key wins. Unset or blank gives {}.
 * @throws ConfigError naming OTEL_RESOURCE_ATTRIBUTES and the entry's position when an entry has
 *   no `=`, an empty key, or a bad percent escape.
 */
export function parseResourceAttributes(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === undefined || value.trim() === '') return out;
  const entries = value.split(',');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i].trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const key = eq < 0 ? '' : entry.slice(0, eq).trim();
    if (key === '') throw new ConfigError(VAR, `entry ${i + 1} is not key=value (expected e.g. deployment.environment=prod,service.namespace=payments)`);
    try {
      out[key] = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch (err) {
      throw new ConfigError(VAR, `entry ${i + 1} (${key}) holds a bad percent escape`, { cause: err });
    }
  }
  return out;
}

/**
 * The resource settings: OTEL_RESOURCE_ATTRIBUTES over `defaults` (e.g. `service.version`), and the
 * service name from OTEL_SERVICE_NAME, else that variable's `service.name`, else `fallbackName`.
 * @throws ConfigError as parseResourceAttributes.
 */
export function otlpResourceSettings(env: { OTEL_SERVICE_NAME?: string; OTEL_RESOURCE_ATTRIBUTES?: string }, defaults: Readonly<Record<string, string>>, fallbackName: string): OtlpResourceSettings {
  const { 'service.name': fromAttributes, ...resourceAttributes } = { ...defaults, ...parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES) };
  const named = env.OTEL_SERVICE_NAME?.trim();
  return { serviceName: named || fromAttributes || fallbackName, resourceAttributes };
}
