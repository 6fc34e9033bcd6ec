'use strict';
// Preloaded into Windows node.exe by scripts/wine-node. Two Wine 8 workarounds:
// 1. Wine reports exit codes modulo 256 and 0 when the .exe never started, so the
//    real exit code is written to a marker file the Linux side reads back.
// 2. socket.setKeepAlive() before the connection is up makes connect fail with
//    UNKNOWN under Wine; defer it to the 'connect' event.
const fs = require('fs');
const net = require('net');

const marker = process.env.WINE_NODE_EXIT_MARKER;
// Children (jest workers, fork) inherit process.env; only this process owns the marker.
delete process.env.WINE_NODE_EXIT_MARKER;
if (marker) {
  process.on('exit', (code) => {
    try {
      fs.writeFileSync(marker, String(code));
    } catch {
      // Nothing sensible to do: the runner reports a missing marker.
    }
  });
}

const setKeepAlive = net.Socket.prototype.setKeepAlive;
net.Socket.prototype.setKeepAlive = function (...args) {
  if (this.connecting) {
    this.once('connect', () => setKeepAlive.apply(this, args));
    return this;
  }
  return setKeepAlive.apply(this, args);
};
