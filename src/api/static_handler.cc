#include "api/static_handler.h"

#include <fstream>
#include <iterator>

#include "api/http_util.h"

namespace rtcgate::api {

namespace {

std::string_view contentTypeFor(std::string_view path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".json")) return "application/json";
  return "application/octet-stream";
}

}  // namespace

net::HttpResponse StaticHandler::respond(const net::HttpRequest& req, std::string_view rest) {
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return errorResponse(req, http::status::method_not_allowed, "static files take GET");
  std::string path(rest);
  if (path.empty() || path.back() == '/') path += "index.html";
  // Only plain relative names: no "..", no hidden files, no backslashes.
  if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos || path.front() == '.' ||
      path.find("/.") != std::string::npos)
    return errorResponse(req, http::status::not_found, "no such file");
  std::ifstream in(root_ + "/" + path, std::ios::binary);
  if (!in) return errorResponse(req, http::status::not_found, "no such file");
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto res = net::makeResponse(req, http::status::ok, std::move(body), contentTypeFor(path));
  res.set(http::field::cache_control, "no-cache");
  return res;
}

}  // namespace rtcgate::api
