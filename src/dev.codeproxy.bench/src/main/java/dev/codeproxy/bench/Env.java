package dev.codeproxy.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

/** Where things are and how processes are placed on CPUs. */
final class Env {
    final Path launcher;
    final Path imageDir;
    final Path out;
    final Path tmp;
    final Path home;
    final Path nginx;
    final Path wrk;
    final List<String> proxyCpuPrefix;
    final String placement;
    List<String> extraServeFlags = List.of();

    Env(Path launcher, Path imageDir, Path out, Path tmp, Path nginx, Path wrk, List<String> proxyCpuPrefix,
        String placement) {
        this.launcher = launcher;
        this.imageDir = imageDir;
        this.out = out;
        this.tmp = tmp;
        this.home = tmp.resolve("home");
        this.nginx = nginx;
        this.wrk = wrk;
        this.proxyCpuPrefix = proxyCpuPrefix;
        this.placement = placement;
    }

    /** A port that was free a moment ago on 127.0.0.1. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }
}
