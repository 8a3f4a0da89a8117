/** The admin listener: Prometheus metrics, liveness, readiness and debug endpoints. */
package dev.otlprelay.admin;
