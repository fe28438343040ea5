/** How producer errors map to outcomes and faults; not API. */
package dev.analytics.kafka.internal;
