package dev.codeproxy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * nginx as the reference reverse proxy: one worker (pinned like the proxy), SSE pass-through
 * ({@code proxy_buffering off}), HTTP/1.1 keep-alive to the upstream, {@code tcp_nodelay on},
 * no access log. Runs in the foreground ({@code daemon off}) with its pid file, logs and temp
 * directories in a private directory. One listener per upstream.
 */
final class Nginx implements AutoCloseable {
    private final Process process;
    private final Path dir;

    private Nginx(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /** {@code listenToUpstream}: pairs of (listen port, upstream port). */
    static Nginx start(Env env, int[][] listenToUpstream) throws IOException, InterruptedException {
        Path dir = env.tmp.resolve("nginx");
        Files.createDirectories(dir.resolve("tmp"));
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < listenToUpstream.length; i++) {
            int listen = listenToUpstream[i][0];
            int up = listenToUpstream[i][1];
            servers.append("""
                        upstream up%1$d {
                            server 127.0.0.1:%3$d;
                            keepalive 256;
                            keepalive_requests 1000000;
                        }
                        server {
                            listen 127.0.0.1:%2$d backlog=4096;
                            location / {
                                proxy_pass http://up%1$d;
                                proxy_http_version 1.1;
                                proxy_set_header Connection "";
                                proxy_buffering off;
                                proxy_read_timeout 600s;
                                proxy_send_timeout 600s;
                            }
                        }
                    """.formatted(i, listen, up));
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        String conf = """
                %1$sworker_processes 1;
                daemon off;
                pid %2$s/nginx.pid;
                error_log %2$s/error.log warn;
                worker_rlimit_nofile 65536;
                events {
                    worker_connections 8192;
                }
                http {
                    access_log off;
                    tcp_nodelay on;
                    keepalive_timeout 600s;
                    keepalive_requests 1000000;
                    client_body_buffer_size 1m;
                    client_max_body_size 64m;
                    client_body_temp_path %2$s/tmp/body;
                    proxy_temp_path %2$s/tmp/proxy;
                    fastcgi_temp_path %2$s/tmp/fastcgi;
                    uwsgi_temp_path %2$s/tmp/uwsgi;
                    scgi_temp_path %2$s/tmp/scgi;
                %3$s}
                """.formatted(root ? "user root;\n" : "", dir, servers);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        List<String> cmd = new ArrayList<>(env.proxyCpuPrefix);
        cmd.addAll(List.of(env.nginx.toString(), "-e", dir.resolve("error.log").toString(), "-p", dir.toString(),
                "-c", confFile.toString()));
        Process p = Children.start(new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()));
        Nginx n = new Nginx(p, dir);
        // ready when every listener accepts
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (int[] pair : listenToUpstream) {
            while (true) {
                try (HttpConn c = HttpConn.open(pair[0], 1000)) {
                    break;
                } catch (IOException notYet) {
                    if (!p.isAlive() || System.nanoTime() > deadline) {
                        n.close();
                        throw new IOException("nginx did not start: " + Files.readString(dir.resolve("error.log")));
                    }
                    Thread.sleep(20);
                }
            }
        }
        return n;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        Children.stop(process, Duration.ofSeconds(5));
    }
}
