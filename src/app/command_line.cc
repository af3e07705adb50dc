#include "app/command_line.h"

#include <CLI/CLI.hpp>
#include <cstdio>

namespace rtcgate::app {

int parseCommandLine(int argc, char** argv, Config& config) {
  CLI::App cli{"rtcgate — WebRTC gateway and media server"};
  cli.footer("Access tokens: rtcgate token --help (docs/AUTH.md).");
  std::string configFile;
  std::string workers;
  cli.add_option("-c,--config", configFile, "TOML config file (see config/rtcgate.toml); options below override it")
      ->check(CLI::ExistingFile);
  auto* httpOpt = cli.add_option("--http-listen", "HTTP listen address ip:port for WHIP/WHEP, API and demo page"
                                                  " (default 127.0.0.1:8080)");
  auto* udpIpOpt = cli.add_option("--udp-listen-ip", "IP the media UDP sockets bind to (default 127.0.0.1)");
  auto* udpPortOpt = cli.add_option("--udp-port", "UDP port of the first media worker; worker i uses port+i;"
                                                  " 0 = free ports (default 40000)");
  auto* workersOpt = cli.add_option("--workers", "media worker threads, one UDP port each; 0 = one per core");
  auto* fanoutOpt = cli.add_option("--fanout-players", "WHEP players of a stream per worker before it fans out to"
                                                       " another worker; 0 = never (default 500)")
                        ->check(CLI::Range(0, 1'000'000));
  auto* iceTcpOpt = cli.add_option("--ice-tcp", "ICE over TCP on each worker's port number (true/false, default true)");
  auto* advOpt = cli.add_option("--advertised-ip", "IP announced in ICE candidates (repeatable; for NAT/cloud)");
  auto* certOpt = cli.add_option("--cert", "DTLS certificate PEM file (default: generated at start)");
  auto* keyOpt = cli.add_option("--key", "DTLS private key PEM file");
  auto* logOpt = cli.add_option("--log-level", "trace, debug, info, warn or error (default info)");
  auto* rtmpOpt = cli.add_option("--rtmp-listen", "RTMP listen address ip:port for encoders and players; \"\" = off"
                                                  " (default 127.0.0.1:1935)");
  auto* codecOpt = cli.add_option("--codec-threads", "transcoding threads; 0 = one per core");
  auto* rtmpNameOpt = cli.add_option("--rtmp-stream-name", "stream an RTMP URL names: key (default) or app/key")
                          ->check(CLI::IsMember({"key", "app/key"}));
  auto* graceOpt = cli.add_option("--room-grace-seconds", "seconds a room participant whose connection dropped is kept")
                       ->check(CLI::Range(1, 300));
  auto* jwtKeyOpt = cli.add_option("--jwt-public-key-file", "PEM public key (ES256/RS256) that turns JWT auth on")
                        ->check(CLI::ExistingFile);
  auto* jwksOpt = cli.add_option("--jwks-file", "JWKS file of ES256/RS256 keys that turns JWT auth on")
                      ->check(CLI::ExistingFile);
  auto* roomSizeOpt = cli.add_option("--max-room-participants", "participants per room (2-100)")->check(CLI::Range(2, 100));
  auto* httpsOpt = cli.add_option("--https-listen", "HTTPS/WSS listen address ip:port; \"\" = off (default off)");
  auto* tlsCertOpt = cli.add_option("--tls-cert", "HTTPS certificate chain PEM file");
  auto* tlsKeyOpt = cli.add_option("--tls-key", "HTTPS private key PEM file");
  bool tlsSelfSigned = false;
  auto* selfSignedOpt = cli.add_flag("--tls-self-signed", tlsSelfSigned,
                                     "HTTPS with a self-signed certificate made on first run (for trials)");
  auto* selfSignedDirOpt = cli.add_option("--tls-self-signed-dir", "folder of the self-signed certificate (default tls)");
  auto* turnOpt = cli.add_option("--turn-listen", "TURN (UDP and TCP) listen address ip:port; port 0 = any free port;"
                                 " \"\" = no TURN server");
  auto* turnTlsOpt = cli.add_option("--turn-tls-listen", "TURN over TLS listen address ip:port (needs HTTPS's certificate)");
  auto* turnTlsNameOpt =
      cli.add_option("--turn-tls-server-name", "DNS name (SNI) that makes the HTTPS port serve TURN over TLS");
  auto* recordingsOpt = cli.add_option("--recordings-dir", "folder of the recordings (default recordings)");
  auto* redisOpt = cli.add_option("--cluster-redis", "join the cluster coordinated by this Redis (redis://HOST:PORT)");
  auto* nodeIdOpt = cli.add_option("--node-id", "this node's id in the cluster (default: the host name)");
  auto* regionOpt = cli.add_option("--region", "this node's region in the cluster (default \"default\")");
  auto* httpUrlOpt = cli.add_option("--advertised-http-url", "URL clients and other nodes reach this node's HTTP at"
                                                             " (default: from --http-listen)");
  auto* relayHostOpt = cli.add_option("--relay-host", "IP other nodes send relayed media to (default: the first"
                                                      " advertised IP, else --udp-listen-ip)");
  try {
    cli.parse(argc, argv);
    if (!configFile.empty()) loadConfigFile(configFile, config);
    if (*httpOpt) config.httpListen = httpOpt->as<std::string>();
    if (*udpIpOpt) config.udpListenIp = udpIpOpt->as<std::string>();
    if (*udpPortOpt) config.udpPort = udpPortOpt->as<uint16_t>();
    if (*workersOpt) config.workers = workersOpt->as<unsigned>();
    if (*fanoutOpt) config.fanoutPlayersPerWorker = fanoutOpt->as<size_t>();
    if (*iceTcpOpt) config.iceTcp = iceTcpOpt->as<bool>();
    if (*advOpt) config.advertisedIps = advOpt->as<std::vector<std::string>>();
    if (*certOpt) config.certFile = certOpt->as<std::string>();
    if (*keyOpt) config.keyFile = keyOpt->as<std::string>();
    if (*logOpt) config.logLevel = logOpt->as<std::string>();
    if (*rtmpOpt) config.rtmpListen = rtmpOpt->as<std::string>();
    if (*codecOpt) config.codecThreads = codecOpt->as<unsigned>();
    if (*rtmpNameOpt) config.rtmpStreamName = rtmpNameOpt->as<std::string>();
    if (*graceOpt) config.roomGraceSeconds = graceOpt->as<int64_t>();
    if (*roomSizeOpt) config.maxRoomParticipants = roomSizeOpt->as<size_t>();
    if (*httpsOpt) config.http.httpsListen = httpsOpt->as<std::string>();
    if (*tlsCertOpt) config.http.tlsCertFile = tlsCertOpt->as<std::string>();
    if (*tlsKeyOpt) config.http.tlsKeyFile = tlsKeyOpt->as<std::string>();
    if (*selfSignedOpt) config.http.tlsSelfSigned = tlsSelfSigned;
    if (*selfSignedDirOpt) config.http.tlsSelfSignedDir = selfSignedDirOpt->as<std::string>();
    if (*jwtKeyOpt) config.jwtPublicKeyFile = jwtKeyOpt->as<std::string>();
    if (*jwksOpt) config.jwksFile = jwksOpt->as<std::string>();
    if (*turnTlsOpt) config.turnTlsListen = turnTlsOpt->as<std::string>();
    if (*turnTlsNameOpt) config.turnTlsServerName = turnTlsNameOpt->as<std::string>();
    if (*recordingsOpt) config.recordingsDir = recordingsOpt->as<std::string>();
    if (*redisOpt) config.cluster.redis = redisOpt->as<std::string>();
    if (*nodeIdOpt) config.cluster.nodeId = nodeIdOpt->as<std::string>();
    if (*regionOpt) config.cluster.region = regionOpt->as<std::string>();
    if (*httpUrlOpt) config.cluster.httpUrl = httpUrlOpt->as<std::string>();
    if (*relayHostOpt) config.cluster.relayHost = relayHostOpt->as<std::string>();
    checkClusterConfig(config.cluster);
    if (*turnOpt) {
      config.turnListen = turnOpt->as<std::string>();
      config.turnEnabled = !config.turnListen.empty();
    }
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rtcgate: %s\n", e.what());
    return 2;
  }
  return -1;
}

}  // namespace rtcgate::app
