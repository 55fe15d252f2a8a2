/**
 * The program: the command line (picocli), {@code serve} and the server it composes from every
 * other module, the Claude Code lifecycle, doctor, self-test and the headless request lines.
 * Nothing depends on it.
 */
package dev.codeproxy.app;
