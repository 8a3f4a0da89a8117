/** The OTLP/HTTP listener: a Netty pipeline with one handler per concern (sniff, bounded inflate, route, handle). */
package dev.otlprelay.receive.http;
