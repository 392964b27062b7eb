//! Integration tests: the real `tkt` binary over temporary git repositories.

mod common;

mod access;
mod audit;
mod canned;
mod check;
mod crash_safety;
mod git_behaviour;
mod git_manners;
mod init_person;
mod knowledge;
mod links;
mod list_show;
mod mail_import;
mod mail_round_trip;
mod new;
mod notify;
mod passwd;
mod recipes;
mod serve;
mod shell;
mod site;
mod sla;
mod smtp;
mod symlinks;
mod sync;
mod teams;
mod web_form;
mod web_operator;
mod web_requester;
mod web_uploads;
mod workflow;
