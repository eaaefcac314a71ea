// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill loaded first;
// importing the library only through this module guarantees that order and one crypto provider setup.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

export { x509 };
