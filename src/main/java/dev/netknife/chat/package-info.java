/**
 * The line chat: {@link dev.netknife.chat.ChatServer} (nicknames, commands, broadcast with bounded queues) and
 * {@link dev.netknife.chat.ChatClient} (a member's connection). No command line.
 */
package dev.netknife.chat;
