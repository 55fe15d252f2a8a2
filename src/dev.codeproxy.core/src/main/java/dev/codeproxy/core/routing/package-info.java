/**
 * Which endpoint to try next: the failover, weighted and session strategies, the circuit
 * breakers, and the classification of a failure into retry, fail over or give up. Pure decisions
 * with an injected clock; the proxy acts on them and the admin API shows the breakers' state.
 */
package dev.codeproxy.core.routing;
