import { createPortForwardDecoder, encodePortForwardData, portForwardPath } from './port-forward';

const portBytes = (port: number) => {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16LE(port);
  return bytes;
};
const frame = (channel: number, ...parts: Buffer[]) => Buffer.concat([Buffer.from([channel]), ...parts]);

describe('port-forward framing (v4.channel.k8s.io)', () => {
  it('strips the 2-byte little-endian port announced first on each channel, then passes data and error text', () => {
    const decode = createPortForwardDecoder(2380);
    expect(decode(frame(0, portBytes(2380)))).toEqual({ type: 'none' });
    expect(decode(frame(1, portBytes(2380)))).toEqual({ type: 'none' });
    expect(decode(frame(0, Buffer.from('hello')))).toEqual({ type: 'data', data: Buffer.from('hello') });
    expect(decode(frame(1, Buffer.from('dial failed')))).toEqual({ type: 'error', message: 'dial failed' });
  });

  it('keeps data that arrives in the same message as the port announcement', () => {
    const decode = createPortForwardDecoder(2380);
    expect(decode(frame(0, portBytes(2380), Buffer.from('x')))).toEqual({ type: 'data', data: Buffer.from('x') });
  });

  it('does not strip a second time: data starting with the port bytes is data', () => {
    const decode = createPortForwardDecoder(2380);
    decode(frame(0, portBytes(2380)));
    expect(decode(frame(0, portBytes(2380)))).toEqual({ type: 'data', data: portBytes(2380) });
  });

  it.each([
    ['an empty message', Buffer.alloc(0), 'empty WebSocket message'],
    ['an unknown channel', frame(2, portBytes(2380)), 'message on unknown channel 2'],
    ['a truncated port announcement', frame(0, Buffer.from([0x4c])), 'channel 0 opened without its 2-byte port number'],
    ['another port announced', frame(1, portBytes(8080)), 'channel 1 announced port 8080, expected 2380'],
  ])('rejects %s', (_case, message, reason) => {
    expect(() => createPortForwardDecoder(2380)(message)).toThrow(reason);
  });

  it('prefixes outgoing data with the data channel byte', () => {
    expect(encodePortForwardData(Buffer.from('GET /'))).toEqual(Buffer.from([0, ...Buffer.from('GET /')]));
  });

  it('asks the API server for the pod portforward subresource with the port', () => {
    expect(portForwardPath('kube-system', 'k8sd-proxy-abc', 2380)).toBe('/api/v1/namespaces/kube-system/pods/k8sd-proxy-abc/portforward?ports=2380');
  });
});
