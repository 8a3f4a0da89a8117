/**
 * Which Netty transport the relay's sockets use — Linux's native epoll where it loads, Java NIO elsewhere — chosen
 * once and shared by every listener and the X-Ray sender. A leaf: it depends on nothing else of ours.
 */
package dev.otlprelay.transport;
