#!/usr/bin/python3
# A WHIP publisher built on GStreamer's webrtcbin (libnice ICE), a WebRTC stack independent of
# Chromium's: VP8 test pattern + Opus tone, offer POSTed to a WHIP URL, answer applied.
#
#   webrtcbin_whip.py WHIP_URL SECONDS [--token T]
#
# Prints one line per event ("state: ...", "resource: ...") and exits 0 after
# SECONDS of publishing, or 1 on an error (HTTP error, ICE failed, pipeline error).
# Run it with Debian's /usr/bin/python3, which has the GObject bindings (python3-gi).
import argparse
import sys
import urllib.error
import urllib.parse
import urllib.request

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstWebRTC', '1.0')
gi.require_version('GstSdp', '1.0')
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

PIPELINE = (
    'webrtcbin name=w bundle-policy=max-bundle '
    'videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate=30/1 '
    '! videoconvert ! vp8enc deadline=1 target-bitrate=600000 keyframe-max-dist=60 error-resilient=partitions '
    '! rtpvp8pay pt=96 mtu=1200 ! application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000 ! w. '
    'audiotestsrc is-live=true wave=sine freq=660 ! audioconvert ! audioresample ! opusenc '
    '! rtpopuspay pt=111 ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000 ! w. '
)


def log(*parts):
    print(*parts, flush=True)


class WhipPublisher:
    def __init__(self, url, seconds, token):
        self.url = url
        self.seconds = seconds
        self.token = token
        self.status = 0
        self.loop = GLib.MainLoop()
        self.pipe = Gst.parse_launch(PIPELINE)
        self.webrtc = self.pipe.get_by_name('w')
        self.webrtc.connect('on-negotiation-needed', self.on_negotiation_needed)
        self.webrtc.connect('notify::ice-gathering-state', self.on_gathering)
        self.webrtc.connect('notify::ice-connection-state', self.on_ice_state)
        self.webrtc.connect('notify::connection-state', self.on_pc_state)
        bus = self.pipe.get_bus()
        bus.add_signal_watch()
        bus.connect('message::error', self.on_error)
        self.offer_sent = False

    def fail(self, why):
        log('error:', why)
        self.status = 1
        self.loop.quit()

    def on_error(self, _bus, msg):
        err, dbg = msg.parse_error()
        self.fail(f'pipeline: {err.message} ({dbg})')

    def on_negotiation_needed(self, element):
        # Publish only: every transceiver sends.
        for i in range(8):
            t = element.emit('get-transceiver', i)
            if t is None:
                break
            t.set_property('direction', GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY)
        promise = Gst.Promise.new_with_change_func(self.on_offer_created, element, None)
        element.emit('create-offer', None, promise)

    def on_offer_created(self, promise, element, _):
        promise.wait()
        reply = promise.get_reply()
        offer = reply.get_value('offer')
        element.emit('set-local-description', offer, Gst.Promise.new())

    def on_gathering(self, element, _pspec):
        # Non-trickle WHIP: send the offer with every candidate once gathering is complete.
        if element.get_property('ice-gathering-state') != GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            return
        if self.offer_sent:
            return
        self.offer_sent = True
        sdp = element.get_property('local-description').sdp.as_text()
        GLib.idle_add(self.post_offer, sdp)

    def post_offer(self, sdp):
        headers = {'Content-Type': 'application/sdp'}
        if self.token:
            headers['Authorization'] = 'Bearer ' + self.token
        req = urllib.request.Request(self.url, data=sdp.encode(), headers=headers, method='POST')
        try:
            with urllib.request.urlopen(req, timeout=10) as res:
                answer = res.read().decode()
                log('resource:', urllib.parse.urljoin(self.url, res.headers.get('Location', '')))
        except urllib.error.HTTPError as e:
            self.fail(f'WHIP POST answered {e.code}: {e.read().decode(errors="replace")}')
            return False
        except OSError as e:
            self.fail(f'WHIP POST failed: {e}')
            return False
        _, msg = GstSdp.SDPMessage.new_from_text(answer)
        desc = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, msg)
        self.webrtc.emit('set-remote-description', desc, Gst.Promise.new())
        return False

    def on_ice_state(self, element, _pspec):
        state = element.get_property('ice-connection-state')
        log('state: ice', state.value_nick)
        if state == GstWebRTC.WebRTCICEConnectionState.FAILED:
            self.fail('ICE failed')

    def on_pc_state(self, element, _pspec):
        state = element.get_property('connection-state')
        log('state: pc', state.value_nick)
        if state == GstWebRTC.WebRTCPeerConnectionState.FAILED:
            self.fail('peer connection failed')

    def run(self):
        self.pipe.set_state(Gst.State.PLAYING)
        GLib.timeout_add_seconds(self.seconds, self.loop.quit)
        self.loop.run()
        self.pipe.set_state(Gst.State.NULL)
        return self.status


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('url')
    parser.add_argument('seconds', type=int)
    parser.add_argument('--token')
    args = parser.parse_args()
    Gst.init(None)
    return WhipPublisher(args.url, args.seconds, args.token).run()


if __name__ == '__main__':
    sys.exit(main())
